import GobClient
import GobProtocol

/// What `gob await` prints once waiting is over, and its exit status.
struct AwaitReport {
    /// Exit status when `--timeout` passed first (as `timeout(1)`).
    static let timedOutStatus: Int32 = 124
    /// Exit status when the user interrupted the wait (as a shell reports SIGINT).
    static let interruptedStatus: Int32 = 130

    let result: JobsAwaiter.Result
    /// Whether waiting ended at the first end (`--any`).
    let any: Bool

    /// The process's exit status: one job's status (128+N for signal N), the first
    /// non-zero one of several in argument order, with `--any` the first to end; 124 on
    /// timeout, 130 when interrupted, 122 when a job looks stuck.
    var exitStatus: Int32 {
        switch result.outcome {
        case .timedOut: return Self.timedOutStatus
        case .stuck: return StuckReport.exitStatus
        case .interrupted: return Self.interruptedStatus
        case .lost: return 1
        case .daemonStopped: return ClientError.daemonStopped.exitStatus
        case .ended:
            // Jobs that had ended before the wait count first, in argument order.
            if any, let first = result.endOrder.first { return JobFollower.exitStatus(of: result.jobs[first]) }
            return result.jobs.map(JobFollower.exitStatus(of:)).first { $0 != 0 } ?? 0
        }
    }

    /// One summary line per job, in argument order; for a job that looks stuck, the line
    /// saying so and its two hints instead.
    var text: String {
        var text = ""
        for (index, job) in result.jobs.enumerated() {
            if case let .stuck(verdict) = result.outcome, verdict.job.id == job.id, !result.ended[index] {
                text += StuckReport.text(verdict)
                continue
            }
            text += Self.summary(of: job, ended: result.ended[index], outcome: result.outcome) + "\n"
        }
        return text
    }

    /// `--quiet`: the last `lines` lines of the logs of each job that ended with a
    /// non-zero status, in the order given.
    func writeFailedLogs(lines: Int, to sink: OutputSink) {
        for (index, job) in result.jobs.enumerated() where result.ended[index] && JobFollower.exitStatus(of: job) != 0 {
            LogTails.write(of: job, lines: lines, to: sink)
        }
    }

    /// `Job <id> exited with code <n> after <duration>`, `Job <id> was killed by <SIGNAME>
    /// after <duration>`, or `Job <id> is still running` (with why waiting stopped).
    static func summary(of job: JobSnapshot, ended: Bool, outcome: JobsAwaiter.Outcome) -> String {
        guard ended else {
            switch outcome {
            case .timedOut: return "Job \(job.id) is still running (timed out)"
            case .interrupted: return "Job \(job.id) is still running (interrupted)"
            default: return "Job \(job.id) is still running"
            }
        }
        let duration = job.runTimeMilliseconds.map(DurationText.format(milliseconds:)) ?? "an unknown time"
        if let code = job.exitCode { return "Job \(job.id) exited with code \(code) after \(duration)" }
        if let signal = job.signal { return "Job \(job.id) was killed by \(signal) after \(duration)" }
        return "Job \(job.id) ended after \(duration)"
    }

    /// The `--json` object: `exit_code`, `outcome`, then `jobs` with per-job results;
    /// when a job looks stuck, `stuck` after them (`StuckReport.json`).
    var json: JSON {
        let outcome: String
        switch result.outcome {
        case .stuck: outcome = "stuck"
        case .ended: outcome = "ended"
        case .timedOut: outcome = "timed_out"
        case .interrupted: outcome = "interrupted"
        case .lost: outcome = "lost"
        case .daemonStopped: outcome = "daemon_stopped"
        }
        let jobs: [JSON] = result.jobs.enumerated().map { index, job in
            let ended = result.ended[index]
            return .object([
                ("id", .string(job.id)),
                ("ended", .bool(ended)),
                ("exit_status", ended ? .int(Int64(JobFollower.exitStatus(of: job))) : .null),
                ("job", job.json),
            ])
        }
        var members: [(String, JSON)] = [
            ("exit_code", .int(Int64(exitStatus))), ("outcome", .string(outcome)), ("jobs", .array(jobs)),
        ]
        if case let .stuck(verdict) = result.outcome { members.append(("stuck", StuckReport.json(verdict))) }
        return .object(members)
    }
}
