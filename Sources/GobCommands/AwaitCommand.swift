import ArgumentParser
import GobClient
import GobProtocol
import GobSystem

/// `gob await [--any] [--timeout SECONDS] [--json] <job_id>...`: wait for jobs to end and
/// exit with their status, streaming their output meanwhile (for scripts and AI agents).
struct AwaitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "await",
        abstract: "Wait for jobs to finish and exit with their exit code",
        usage: """
            gob await [--any] [--timeout <seconds>] [-q] [--json] [<job_id>...]
            gob await --stuck-after <duration> [--any] [-q] [--json] [<job_id>...]
            gob await --ready [--any] [--timeout <seconds>] [--json] [<job_id>...]
            """,
        discussion: """
            Waits until every given job's current process has ended, printing their \
            stdout and stderr meanwhile, each line prefixed with [<job ID>] (as `gob \
            run` does); a job that has already ended has its logs printed at once. Then \
            one line per job, in the order given:
              Job k3v exited with code 0 after 3.2s
              Job b7q was killed by SIGTERM after 1m05s
              Job x2m is still running (timed out)
            Durations are the process's run time: tenths of a second below a minute \
            (3.2s), then 1m05s, 2h03m, 1d04h. Any job ID works, from any directory; an \
            empty one (an unset variable) is refused. Without job IDs, gob waits for \
            every running job of this directory (an error when there is none).

            With --any, returns as soon as the first of the jobs ends. With --timeout, \
            stops waiting after that many seconds (fractions allowed). Waiting never \
            stops or changes a job: with --any, --timeout or Ctrl+C the others keep \
            running. On a terminal, the jobs' escape sequences (other than colours) \
            and invalid UTF-8 are made harmless.

            A job that looks stuck ends the wait: once its run has lasted longer than \
            --stuck-after (90s, 5m, 1h30m), or without it twice the upper duration of \
            the job's successful runs (once 3 succeeded), and has printed nothing for \
            60s. Its summary line becomes "Job k3v looks stuck: running 4m12s \
            (usually ~1m30s, up to 2m00s), no output for 1m05s" with the two \
            commands "gob stdout --tail 20 k3v" and "gob stop k3v"; gob exits 122 \
            and the jobs keep running. With --any, the first end or the first stuck \
            job, whichever comes first, ends the wait. Not with --ready.

            With --json, nothing is streamed and stdout gets one JSON object: \
            "exit_code" (what gob exits with), "outcome" ("ended", "timed_out", \
            "stuck" or "interrupted") and "jobs", one entry per job in the order given with "id", \
            "ended", "exit_status" (the job's exit code, 128+N for signal N, null while \
            running) and "job" (the job as `gob list --json` shows it, plus its log \
            paths); when a job looks stuck, "stuck" says which and why.

            With --quiet, nothing of the jobs' output is streamed: only the summary \
            lines, then for each job that failed the last --tail lines (30) of its \
            stderr and stdout, each under a label.

            With --ready, gob waits until the jobs are ready instead of until they end: \
            until their readiness rule (`gob add --ready-log`, `--ready-port`) holds. It prints "Job \
            k3v ready after 1.3s" (with "on http://127.0.0.1:5173" for a rule with a \
            port), or why a job is not ready (it ended, its rule's \
            timeout or --timeout passed) with the last --tail lines (20) of its stderr \
            and stdout, on stderr. Without IDs: this directory's running jobs that \
            have a rule. Exit status: 0 when all are ready; the job's exit code when \
            one ended first (1 if it exited 0); 124 when a timeout passed; 130 when \
            interrupted.

            Examples:
              gob await
              gob await k3v
              gob await k3v b7q --timeout 600
              gob await -q --stuck-after 5m k3v
              gob await --any k3v b7q
              JOB=$(gob add -q make test) && gob await -q "$JOB"
              gob await --ready k3v

            Exit status: with one job, its exit code, 128+N when signal N killed it; \
            with several, the first non-zero one in the order given, else 0; with \
            --any, that of the job that ended first; 124 when --timeout passed first \
            (it bounds the whole command, reaching the daemon included); 122 when a \
            job looks stuck; 130 when \
            interrupted (Ctrl+C); 125 when the gob daemon could not be reached or \
            stopped while waiting; 1 on an error, reported before any waiting (for \
            example "job not found: k3v").
            """)

    @Flag(help: "Return as soon as the first of the jobs ends, with its exit code")
    var any = false

    @Option(help: ArgumentHelp("Stop waiting after this many seconds and exit 124; the jobs keep running", valueName: "seconds"))
    var timeout: String?

    @Flag(help: "Print one JSON object with each job's result instead of output and summary lines")
    var json = false

    @Flag(help: "Wait until the jobs are ready (their readiness rule holds) instead of until they end")
    var ready = false

    @Flag(name: .shortAndLong, help: "Print none of the jobs' output, only the summary lines (and failed jobs' last lines)")
    var quiet = false

    @Option(help: ArgumentHelp("Give up with exit status 122 on a job running longer than this (90s, 5m, 1h30m) and silent for 60s", valueName: "duration"))
    var stuckAfter: String?

    @Option(help: ArgumentHelp("Lines of each log shown for a job that failed (with --quiet: 30) or is not ready (20)", valueName: "n"))
    var tail: String?

    @Argument(help: ArgumentHelp("The IDs of the jobs to wait for (default: every running job of this directory)", valueName: "job_id"),
              completion: .custom(JobCompletion.everyJobID))
    var arguments: [String] = []

    func run() throws {
        var ids: [String] = []
        for argument in arguments { ids.append(try JobIDArgument.checked(argument)) }
        let limit = try FlagValue.milliseconds(fromSeconds: timeout, flag: "--timeout")
        let lines = try FlagValue.lineCount(tail, flag: "--tail")
        if lines != nil, !quiet, !ready { throw CommandFailure.usage("--tail needs --quiet or --ready") }
        let stuckLimit = try FlagValue.milliseconds(fromDuration: stuckAfter, flag: "--stuck-after")
        if stuckLimit != nil, ready { throw CommandFailure.usage("--stuck-after does not go with --ready") }
        // Without IDs: this directory's running jobs, found after subscribing to it.
        let workdir = ids.isEmpty ? try DaemonSession.workingDirectory() : nil
        // --timeout bounds the whole command: reaching the daemon and subscribing too,
        // which get at least a second so that a short timeout still reports the jobs.
        let started = MonotonicClock.now()
        let deadline = limit.map { started + $0 * 1_000_000 }
        let connectDeadline = limit.map { started + max($0, 1_000) * 1_000_000 }
        // Subscribe before asking for the jobs, so no end falls between the two.
        let events = try JobFollowSupport.subscribe(workdir: workdir, deadline: connectDeadline)
        let session = DaemonSession(deadline: connectDeadline)
        var jobs: [JobSnapshot] = []
        if let workdir {
            jobs = try Self.running(in: workdir, ready: ready, session: session)
        } else {
            for id in ids { jobs.append(try JobFollowSupport.job(id, after: events, session: session)) }
        }
        if ready {
            return try awaitReadiness(of: jobs, events: events, deadline: deadline, tail: lines ?? LogTails.readinessDefault)
        }
        let awaiter = JobsAwaiter(
            jobs: jobs, events: events, output: json || quiet ? nil : JobFollowSupport.output(), mode: any ? .any : .all,
            timeoutMilliseconds: limit, deadline: deadline,
            stuck: StuckWatch(jobs: jobs, stuckAfterMilliseconds: stuckLimit))
        let result = awaiter.run()
        if case .daemonStopped = result.outcome { throw JobFollowSupport.daemonStopped }
        if case let .lost(reason) = result.outcome {
            throw CommandFailure("event subscription error: \(reason)", code: .daemonUnavailable, exitStatus: 125)
        }
        let report = AwaitReport(result: result, any: any)
        if json {
            Console.json(report.json)
        } else {
            Console.out(report.text)
            if quiet { report.writeFailedLogs(lines: lines ?? LogTails.quietDefault, to: JobFollowSupport.output()) }
        }
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }

    /// `--ready`: waits until the jobs are ready, as `add --ready-log` does.
    private func awaitReadiness(of jobs: [JobSnapshot], events: EventStream, deadline: Int64?, tail: Int) throws {
        if let job = jobs.first(where: { $0.readinessRule == nil }) {
            throw CommandFailure.invalid("job \(job.id) has no readiness rule (give it one: gob restart --ready-log <regex> \(job.id))")
        }
        let result = ReadinessAwaiter(jobs: jobs, events: events, mode: any ? .any : .all, deadline: deadline).run()
        if case .daemonStopped = result.outcome { throw JobFollowSupport.daemonStopped }
        if case let .lost(reason) = result.outcome {
            throw CommandFailure("event subscription error: \(reason)", code: .daemonUnavailable, exitStatus: 125)
        }
        let report = ReadinessReport(result: result, tail: tail)
        if json {
            Console.json(report.json)
            report.print(quiet: true)
        } else {
            report.print(quiet: quiet)
        }
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }

    /// The running jobs of `workdir` (with `ready`, those that have a readiness rule),
    /// oldest first: an error when there is none, since waiting for nothing would end at
    /// once and say nothing.
    private static func running(in workdir: OSString, ready: Bool, session: DaemonSession) throws(CommandFailure) -> [JobSnapshot] {
        let wording = DaemonSession.ErrorWording(prefix: "failed to list jobs: ")
        let jobs = try session.sendList(.list(workdir: workdir), wording: wording)
            .filter { $0.status == .running && (!ready || $0.readinessRule != nil) }
        guard !jobs.isEmpty else {
            let what = ready ? "no running job with a readiness rule" : "no running job"
            throw CommandFailure("\(what) in this directory to wait for", code: .notFound)
        }
        return jobs.reversed()
    }
}
