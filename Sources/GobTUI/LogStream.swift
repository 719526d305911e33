/// Which of a job's two logs.
public enum LogStream: Equatable, Sendable {
    case stdout
    case stderr
}
