import GobProtocol

/// How a job's last process ended, in the words of the follow footers: `Job k3v
/// completed: exit code 7 after 1.2s`. (`JobSnapshot.failure` is the mark `list` and
/// the TUI put on a job that failed.)
enum JobOutcome {
    /// `exit code 7 after 1.2s`, `killed by SIGKILL after 3.0s`; a stop by gob says so.
    static func summary(of job: JobSnapshot) -> String {
        let duration = job.runTimeMilliseconds.map { " after " + DurationText.format(milliseconds: $0) } ?? ""
        let stopped = job.stoppedByGob ? " (stopped by gob)" : ""
        if let code = job.exitCode { return "exit code \(code)\(duration)\(stopped)" }
        if let signal = job.signal { return "killed by \(signal)\(duration)\(stopped)" }
        return "ended\(duration)\(stopped)"
    }
}
