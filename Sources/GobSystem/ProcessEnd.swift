/// How a process ended, decoded from a `waitpid` status (the `WIFEXITED` family are C
/// macros Swift cannot call).
public enum ProcessEnd: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public init(waitStatus status: Int32) {
        let low = status & 0x7F
        if low == 0 {
            self = .exited((status >> 8) & 0xFF)
        } else {
            self = .signaled(low)
        }
    }

    /// `exited with status 3`, `was killed by signal 9`: the end in words.
    public var description: String {
        switch self {
        case let .exited(code): "exited with status \(code)"
        case let .signaled(signal): "was killed by signal \(signal)"
        }
    }
}
