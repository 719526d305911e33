import ArgumentParser
import GobClient
import GobProtocol

/// The follow shared by `run`, `add -f`, `start -f` and `restart -f` (contract §3.1,
/// Decision D2): subscribe first, so the job's end cannot slip by, then follow, print the
/// footer and leave with the job's exit status.
enum JobFollowSupport {
    /// Opens the subscription that will report the job's end; call before the request
    /// that starts the job's process.
    static func subscribe(workdir: String?, deadline: Int64? = nil) throws(CommandFailure) -> EventStream {
        do { return try DaemonSession(deadline: deadline).client.subscribe(workdir: workdir) } catch {
            switch error {
            case let .connect(cause): throw CommandFailure(cause.description, exitStatus: cause.exitStatus)
            case let .refused(detail, code: .versionMismatch?):
                throw CommandFailure(detail)
            case .refused: throw CommandFailure("subscription error: \(error.description)")
            }
        }
    }

    /// The failure of a command that was attached to the daemon when it went away: one
    /// line, and an exit status no job's own status can be mistaken for.
    static let daemonStopped = CommandFailure(ClientError.daemonStopped.description, exitStatus: ClientError.daemonStopped.exitStatus)

    /// Follows `job`'s output until its process ends or the user interrupts gob. Exits
    /// with the job's status: its exit code, 128+N when killed by signal N; 0 when
    /// interrupted (the job keeps running).
    static func follow(_ job: JobSnapshot, events: EventStream) throws {
        let output = OutputSink()
        switch JobFollower(job: job, events: events, output: output).run() {
        case let .completed(final):
            output.write("\nJob \(job.id) completed\n")
            let status = JobFollower.exitStatus(of: final)
            if status != 0 { throw ExitCode(status) }
        case .interrupted:
            output.write("\nJob \(job.id) continues running in background\n")
        case .daemonStopped:
            throw daemonStopped
        case let .lost(reason):
            throw CommandFailure("event subscription error: \(reason)")
        }
    }

    /// `--json` with a follow (`run --json`, `add -f --json`, …): waits for `job`'s
    /// process to end without streaming its output, prints the final snapshot as one
    /// JSON object and leaves with the job's status like `follow`. Interrupted, it prints
    /// the job as it runs and exits 0.
    static func awaitAsJSON(_ job: JobSnapshot, events: EventStream) throws {
        let result = JobsAwaiter(jobs: [job], events: events, output: nil, mode: .all, timeoutMilliseconds: nil).run()
        let final = result.jobs.first ?? job
        switch result.outcome {
        case .ended:
            Console.json(final.json)
            let status = JobFollower.exitStatus(of: final)
            if status != 0 { throw ExitCode(status) }
        case .interrupted, .timedOut:
            Console.json(final.json)
        case .daemonStopped:
            throw daemonStopped
        case let .lost(reason):
            throw CommandFailure("event subscription error: \(reason)")
        }
    }

}
