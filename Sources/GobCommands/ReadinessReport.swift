import GobClient
import GobProtocol

/// What a readiness wait prints once it is over (`add`, `start`, `restart` with a rule,
/// `await --ready`), and its exit status. A ready job gets one line on stdout; a job that
/// is not ready gets a line on stderr with the last lines of its logs, so the failure is
/// explained where errors go and `JOB=$(gob add -q --ready-log …)` captures only the ID.
struct ReadinessReport {
    let result: ReadinessAwaiter.Result
    /// Lines of each log shown for a job that is not ready.
    let tail: Int

    /// 0 when every awaited job (with `--any`, the first to settle) is ready; otherwise
    /// that of the first job in order that is not: its exit status when it ended (1 when
    /// it exited 0: it never was ready), 124 when a timeout passed, 130 when interrupted,
    /// 125 when the daemon went away.
    var exitStatus: Int32 {
        switch result.outcome {
        case .interrupted: return AwaitReport.interruptedStatus
        case .daemonStopped: return ClientError.daemonStopped.exitStatus
        case .lost: return 1
        case .settled, .timedOut: break
        }
        for index in decisive {
            switch result.states[index] {
            case .ready: continue
            case .ended:
                let status = JobFollower.exitStatus(of: result.jobs[index])
                return status == 0 ? 1 : status
            case .timedOut, .waiting: return AwaitReport.timedOutStatus
            case .noRule: return 1
            }
        }
        return 0
    }

    /// The jobs the exit status depends on: all, or with `--any` the first that settled.
    private var decisive: [Int] {
        if case .settled = result.outcome, result.states.contains(.waiting), let first = result.settleOrder.first {
            return [first]
        }
        return Array(result.jobs.indices)
    }

    /// Prints each job's line: ready ones to stdout (unless `quiet`), the others, with
    /// their logs' last lines, to stderr.
    func print(quiet: Bool) {
        let errors = OutputSink(descriptor: 2, sanitizing: true)
        for index in result.jobs.indices {
            let job = result.jobs[index]
            let state = result.states[index]
            if state == .ready {
                if !quiet { Console.line(Self.readyLine(job)) }
                continue
            }
            errors.write(Self.notReadyLine(job, state: state, outcome: result.outcome) + "\n")
            // A job still waiting when `--any` was satisfied by another is no failure.
            if state != .waiting || result.outcome != .settled { LogTails.write(of: job, lines: tail, to: errors) }
        }
    }

    /// `Job k3v ready after 1.3s`, and `on http://127.0.0.1:5173` when a listener made it
    /// ready.
    static func readyLine(_ job: JobSnapshot) -> String {
        let after = job.readyAfterMilliseconds.map { " after " + DurationText.format(milliseconds: $0) } ?? ""
        let on = job.readyListener.map { " on " + url(of: $0) } ?? ""
        return "Job \(job.id) ready\(after)\(on)"
    }

    /// Where a client on this machine reaches a listener: `http://127.0.0.1:5173`. A
    /// socket bound to every address (`0.0.0.0`, `::`) is shown with the loopback address
    /// of its family, which always reaches it, rather than `localhost`, which may resolve
    /// to the other family first; an IPv6 address is bracketed.
    static func url(of listener: ListeningPort) -> String {
        var host = listener.address
        if host == "0.0.0.0" { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
        if host.utf8.contains(UInt8(ascii: ":")) { host = "[" + host + "]" }
        return "http://\(host):\(listener.port)"
    }

    /// Why a job is not ready: it ended (and how), its rule's timeout passed, or the wait
    /// stopped first.
    static func notReadyLine(_ job: JobSnapshot, state: ReadinessAwaiter.State, outcome: ReadinessAwaiter.Outcome) -> String {
        switch state {
        case .ready: return readyLine(job)
        case .ended: return "Job \(job.id) ended before it was ready: \(JobOutcome.summary(of: job))"
        case .noRule: return "Job \(job.id) has no readiness rule"
        case .timedOut:
            let within = job.readyTimeoutMilliseconds.map { " within " + DurationText.format(milliseconds: $0) } ?? ""
            return "Job \(job.id) was not ready\(within) (--ready-timeout); it keeps running"
        case .waiting:
            switch outcome {
            case .interrupted: return "Job \(job.id) is not ready yet (interrupted); it keeps running"
            case .timedOut: return "Job \(job.id) is not ready yet (timed out); it keeps running"
            default: return "Job \(job.id) is not ready yet"
            }
        }
    }

    /// `await --ready --json`: `exit_code`, `outcome`, then per job `id`, `ready` and `job`.
    var json: JSON {
        let outcome: String
        switch result.outcome {
        case .settled: outcome = exitStatus == 0 ? "ready" : "not_ready"
        case .timedOut: outcome = "timed_out"
        case .interrupted: outcome = "interrupted"
        case .lost: outcome = "lost"
        case .daemonStopped: outcome = "daemon_stopped"
        }
        let jobs: [JSON] = result.jobs.indices.map { index in
            .object([
                ("id", .string(result.jobs[index].id)),
                ("ready", .bool(result.states[index] == .ready)),
                ("job", result.jobs[index].json),
            ])
        }
        return .object([("exit_code", .int(Int64(exitStatus))), ("outcome", .string(outcome)), ("jobs", .array(jobs))])
    }
}
