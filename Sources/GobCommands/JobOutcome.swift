import GobProtocol

/// How a job's last process ended, in the words of gob's output: the follow footers
/// (`Job V3x completed: exit code 7 after 1.2s`) and the mark `list` puts after a job
/// that failed (`✗ exit 7`).
enum JobOutcome {
    /// `exit code 7 after 1.2s`, `killed by SIGKILL after 3.0s`; a stop by gob says so.
    static func summary(of job: JobSnapshot) -> String {
        let duration = job.runTimeMilliseconds.map { " after " + DurationText.format(milliseconds: $0) } ?? ""
        let stopped = job.stoppedByGob ? " (stopped by gob)" : ""
        if let code = job.exitCode { return "exit code \(code)\(duration)\(stopped)" }
        if let signal = job.signal { return "killed by \(signal)\(duration)\(stopped)" }
        return "ended\(duration)\(stopped)"
    }

    /// What `list` marks a job with when its last process failed: `exit 7`, or the signal
    /// that killed it (`SIGKILL`) unless gob sent it to stop the job. Nil for a running
    /// job, a clean exit and a stop by gob.
    static func failure(of job: JobSnapshot) -> String? {
        guard job.status == .stopped, !job.stoppedByGob else { return nil }
        if let code = job.exitCode { return code == 0 ? nil : "exit \(code)" }
        return job.signal
    }

    /// Whether the job's last process failed, as `failure(of:)` decides.
    static func failed(_ job: JobSnapshot) -> Bool { failure(of: job) != nil }
}
