import ArgumentParser
import GobClient
import GobProtocol

/// The follow shared by `run`, `add -f`, `start -f` and `restart -f`: subscribe first, so
/// the job's end cannot slip by, then follow, print the footer with how the job ended,
/// and leave with the job's exit status.
enum JobFollowSupport {
    /// Opens the subscription that will report the job's end; call before the request
    /// that starts the job's process.
    static func subscribe(workdir: OSString?, deadline: Int64? = nil) throws(CommandFailure) -> EventStream {
        do { return try DaemonSession(deadline: deadline).client.subscribe(workdir: workdir) } catch {
            switch error {
            case let .connect(cause): throw DaemonSession.failure(cause, wording: .verbatim)
            case let .refused(detail, code: .versionMismatch?):
                throw CommandFailure(detail, code: .versionMismatch)
            case let .refused(_, code):
                throw CommandFailure("subscription error: \(error.description)", code: code ?? .daemonUnavailable)
            }
        }
    }

    /// `start` and `restart`: sends `request`, which starts the job's process, then
    /// prints `header` (nothing with `quiet`) or the job as JSON, and follows it when
    /// asked to (`quiet`: silently, `tail` lines of each log if it fails). Otherwise, when
    /// the job has a readiness rule (given with the request or stored with the job),
    /// waits until it is ready. A follow gives up on a run that looks stuck
    /// (`stuckAfter`: `--stuck-after` in milliseconds).
    static func startProcess(_ request: Request, follow: Bool, quiet: Bool, json: Bool, tail: Int?,
                             stuckAfter: Int64? = nil, header: (JobSnapshot) -> String) throws {
        let wording = DaemonSession.ErrorWording.verbatim
        // The job's workdir is not known yet: listen to all, the follow picks its process.
        // Without a follow too: whether the job has a rule is known only from the reply,
        // and its readiness may be announced right after it.
        let events = try subscribe(workdir: nil)
        let job = try DaemonSession().send(request, wording: wording).requireJob(wording: wording)
        if !follow, job.readinessRule != nil {
            if !quiet && !json { announce(job, header: header) }
            return try ReadyWait.wait(for: job, events: events, tail: tail, quiet: quiet, json: json)
        }
        if json {
            guard follow else { return Console.json(job.json) }
            return try awaitAsJSON(job, events: events, stuckAfter: stuckAfter)
        }
        if follow && quiet {
            return try quietly(job, events: events, tail: tail ?? LogTails.quietDefault, stuckAfter: stuckAfter)
        }
        if !quiet { announce(job, header: header) }
        if follow { try self.follow(job, events: events, stuckAfter: stuckAfter) }
    }

    /// The header line of a started job, then its estimate when its runs give one.
    private static func announce(_ job: JobSnapshot, header: (JobSnapshot) -> String) {
        Console.line(header(job))
        if let estimate = RunText.estimateLine(job) { Console.line(estimate) }
    }

    /// A quiet follow (`run -q`, `-f -q`): nothing of the job's output while it runs, then
    /// the footer line; when the job failed, the last `tail` lines of its stderr and
    /// stdout. Exits like `follow`.
    static func quietly(_ job: JobSnapshot, events: EventStream, tail: Int, stuckAfter: Int64? = nil) throws {
        let (outcome, final) = awaitEnd(of: job, events: events, stuckAfter: stuckAfter)
        switch outcome {
        case .ended:
            Console.line("Job \(job.id) completed: \(JobOutcome.summary(of: final))")
            let status = JobFollower.exitStatus(of: final)
            if status != 0 {
                LogTails.write(of: final, lines: tail, to: output())
                throw ExitCode(status)
            }
        case .interrupted, .timedOut:
            Console.line("Job \(job.id) continues running in background")
        case let .stuck(verdict):
            try StuckReport.finishFollow(verdict, json: false)
        case .daemonStopped:
            throw daemonStopped
        case let .lost(reason):
            throw CommandFailure("event subscription error: \(reason)", code: .daemonUnavailable)
        }
    }

    /// Where followed output goes: stdout, with the job's escape sequences and invalid
    /// UTF-8 made harmless when it is a terminal.
    static func output() -> OutputSink {
        OutputSink(sanitizing: true)
    }

    /// Asks for job `id` after subscribing with `events`. When the subscription's daemon
    /// went away before the answer (killed; the request reached its successor), the
    /// command has attached to no run yet: it subscribes to the successor and asks again,
    /// up to `attachAttempts` times. A job missing from a daemon that is not the one the
    /// subscription belongs to is not "not found": the command lost its daemon.
    static func job(
        _ id: String, after events: EventStream, session: DaemonSession = DaemonSession()
    ) throws(CommandFailure) -> JobSnapshot {
        var attempts = 0
        while true {
            attempts += 1
            var job: JobSnapshot?
            do {
                job = try session.send(.getJob(jobID: id), wording: .verbatim).requireJob(wording: .verbatim)
            } catch {
                guard error.code == .notFound && events.hasEnded else { throw error }
            }
            if let job, !events.hasEnded { return job }
            guard attempts < attachAttempts, events.subscribeAgain() else { throw daemonStopped }
        }
    }

    /// How many daemons a command tries to attach to before it says the daemon stopped.
    static let attachAttempts = 3

    /// The failure of a command that was attached to the daemon when it went away: one
    /// line, and an exit status no job's own status can be mistaken for.
    static let daemonStopped = DaemonSession.failure(.daemonStopped, wording: .verbatim)

    /// Follows `job`'s output until its process ends or the user interrupts gob. Exits
    /// with the job's status: its exit code, 128+N when killed by signal N; 0 when
    /// interrupted (the job keeps running); 122 when it looks stuck (`stuckAfter`:
    /// `--stuck-after` in milliseconds, else its estimate decides).
    static func follow(_ job: JobSnapshot, events: EventStream, stuckAfter: Int64? = nil) throws {
        let output = output()
        let stuck = StuckWatch(jobs: [job], stuckAfterMilliseconds: stuckAfter, justStarted: true)
        switch JobFollower(job: job, events: events, output: output, stuck: stuck).run() {
        case let .completed(final):
            output.write("\nJob \(job.id) completed: \(JobOutcome.summary(of: final))\n")
            let status = JobFollower.exitStatus(of: final)
            if status != 0 { throw ExitCode(status) }
        case .interrupted:
            output.write("\nJob \(job.id) continues running in background\n")
        case let .stuck(verdict):
            try StuckReport.finishFollow(verdict, json: false, blankLine: true)
        case .daemonStopped:
            throw daemonStopped
        case let .lost(reason):
            throw CommandFailure("event subscription error: \(reason)", code: .daemonUnavailable)
        }
    }

    /// `--json` with a follow (`run --json`, `add -f --json`, …): waits for `job`'s
    /// process to end without streaming its output, prints the final snapshot as one
    /// JSON object and leaves with the job's status like `follow`. Interrupted, it prints
    /// the job as it runs and exits 0; when the job looks stuck, `StuckReport`'s object
    /// and 122.
    static func awaitAsJSON(_ job: JobSnapshot, events: EventStream, stuckAfter: Int64? = nil) throws {
        let (outcome, final) = awaitEnd(of: job, events: events, stuckAfter: stuckAfter)
        switch outcome {
        case .ended:
            Console.json(final.json)
            let status = JobFollower.exitStatus(of: final)
            if status != 0 { throw ExitCode(status) }
        case .interrupted, .timedOut:
            Console.json(final.json)
        case let .stuck(verdict):
            try StuckReport.finishFollow(verdict, json: true)
        case .daemonStopped:
            throw daemonStopped
        case let .lost(reason):
            throw CommandFailure("event subscription error: \(reason)", code: .daemonUnavailable)
        }
    }

    /// Waits, printing nothing, until `job`'s process ends, the user interrupts, it looks
    /// stuck (`stuckAfter` in milliseconds, or its history) or the events fail; how the
    /// wait ended and the job as last seen.
    private static func awaitEnd(
        of job: JobSnapshot, events: EventStream, stuckAfter: Int64?
    ) -> (outcome: JobsAwaiter.Outcome, final: JobSnapshot) {
        let result = JobsAwaiter(
            jobs: [job], events: events, output: nil, mode: .all, timeoutMilliseconds: nil,
            stuck: StuckWatch(jobs: [job], stuckAfterMilliseconds: stuckAfter, justStarted: true)
        ).run()
        return (result.outcome, result.jobs.first ?? job)
    }
}
