import ArgumentParser
import GobClient
import GobProtocol
import GobSystem

/// Waiting until a started job is ready (`add`, `start`, `restart` of a job with a
/// readiness rule): the daemon watches the job's logs and announces the moment; the
/// command, subscribed before its request, reads that announcement and reports.
enum ReadyWait {
    /// The rule `--ready-log`, `--ready-port` and `--ready-timeout` give, checked before
    /// anything else happens; nil when none is given.
    static func rule(log: String?, port: String? = nil, timeout: String?) throws(CommandFailure) -> ReadinessRule? {
        let milliseconds = try FlagValue.milliseconds(fromDuration: timeout, flag: "--ready-timeout")
        let port = try FlagValue.port(port, flag: "--ready-port")
        guard log != nil || port != nil else {
            if milliseconds != nil { throw .usage("--ready-timeout needs --ready-log or --ready-port") }
            return nil
        }
        if let log {
            do throws(ExtendedRegex.PatternError) {
                _ = try ExtendedRegex(log)
            } catch {
                throw .invalid("invalid value \"\(log)\" for --ready-log: \(error.description)")
            }
        }
        return ReadinessRule(log: log, port: port, timeoutMilliseconds: milliseconds ?? ReadinessRule.defaultTimeoutMilliseconds)
    }

    /// Refuses flag combinations that cannot both hold: a follow runs to the job's end,
    /// a readiness wait returns when the job is ready, and `--tail` only shapes the report
    /// of a quiet follow or of a readiness wait. `storedRule`: the job may already have a
    /// rule (`start`, `restart`), so the wait may happen without `--ready-log`.
    static func checkCombination(
        follow: Bool, quiet: Bool, rule: ReadinessRule?, tail: Int?, storedRule: Bool
    ) throws(CommandFailure) {
        if follow, let rule {
            throw .usage("--follow and \(rule.log != nil ? "--ready-log" : "--ready-port") cannot be used together")
        }
        guard tail != nil else { return }
        if follow {
            if !quiet { throw .usage("--tail needs --quiet") }
        } else if rule == nil, !storedRule {
            throw .usage("--tail needs --ready-log or --ready-port, or --quiet with --follow")
        }
    }

    /// How long past the rule's own timeout the command waits for the daemon's verdict
    /// before it gives up by itself (a daemon that cannot watch).
    static let graceMilliseconds: Int64 = 5_000

    /// Waits for `job`'s current run to be ready and reports it; `events` was opened
    /// before the request that started the run. Exits 0 when ready; otherwise with the
    /// report's status (`ReadinessReport.exitStatus`). With `json`, stdout gets the job
    /// as one JSON object once the wait is over; failures still explain themselves on
    /// stderr.
    static func wait(for job: JobSnapshot, events: EventStream, tail: Int?, quiet: Bool, json: Bool) throws {
        let timeout = job.readyTimeoutMilliseconds ?? ReadinessRule.defaultTimeoutMilliseconds
        let failsafe = MonotonicClock.now() + (timeout + graceMilliseconds) * 1_000_000
        let result = ReadinessAwaiter(jobs: [job], events: events, mode: .all, deadline: failsafe).run()
        switch result.outcome {
        case .daemonStopped: throw JobFollowSupport.daemonStopped
        case let .lost(reason): throw CommandFailure("event subscription error: \(reason)", code: .daemonUnavailable)
        case .settled, .timedOut, .interrupted: break
        }
        let report = ReadinessReport(result: result, tail: tail ?? LogTails.readinessDefault)
        if json { Console.json((result.jobs.first ?? job).json) }
        report.print(quiet: quiet || json)
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}
