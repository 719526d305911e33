/// The log files of the selected job.
public struct LogSource: Equatable, Sendable {
    public var jobID: String
    public var stdoutPath: String
    public var stderrPath: String

    public init(jobID: String, stdoutPath: String, stderrPath: String) {
        self.jobID = jobID
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }
}
