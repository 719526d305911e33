import ArgumentParser
import GobProtocol

/// `gob run [options] [--] <command> [args...]`: run a command as a job and follow it to
/// its end, reusing a stopped job with the same command in this directory.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command and follow its output until completion",
        usage: """
            gob run [-d <text>] [-q] [--tail <n>] [--json] [--] <command> [args...]
            gob run --stuck-after <duration> [-q] [--json] [--] <command> [args...]
            """,
        discussion: """
            Runs <command> as a background job and prints its stdout and stderr, each \
            line prefixed with the job ID, until it ends; then prints how it ended and \
            exits with the job's exit code (128+N when signal N killed it), so `gob run \
            make test` fails when the tests fail. On a terminal, the job's escape \
            sequences (other than colours) and invalid UTF-8 are made harmless.

            A stopped job of this directory with exactly the same command is reused: it \
            is started again under the same ID as a new run (with logs of its own; \
            `gob runs` lists the earlier ones), keeping its description unless \
            --description gives a new one. When such a job is still running, a second \
            job is started beside it. Once 3 or more runs of the job succeeded, a line \
            says how long it usually takes.

            gob's own options (-h/--help, -d/--description, -q, --tail, --stuck-after, --json) come before the \
            command; everything from the first other argument on belongs to the job, so \
            `gob run ls -la` works. A command given as one string with spaces is split \
            as a POSIX shell would split it, quotes and backslashes included, without \
            expanding anything: `gob run "pytest -k 'slow and not db'"`.

            With --quiet nothing is streamed either: when the job ends, gob prints only \
            the footer line, and when it failed, the last --tail lines (30) of its \
            stderr and then of its stdout, each under a label. Exit statuses are the \
            same.

            With --json nothing is streamed: gob waits for the job to end, prints it as \
            one JSON object (exit_code, signal, run_time_ms, log paths, ...) and exits \
            with its exit code.

            A run that looks stuck ends the follow: once it has lasted longer than \
            --stuck-after (90s, 5m, 1h30m), or without it twice the upper duration of \
            the job's successful runs (once 3 succeeded), and has printed nothing for \
            60s, gob prints "Job k3v looks stuck: running 4m12s (usually ~1m30s, up \
            to 2m00s), no output for 1m05s" and the two commands "gob stdout --tail \
            20 k3v" and "gob stop k3v", and exits 122. The job keeps running. With \
            --json: {"error":{"code":"stuck",...},"stuck":{...},"job":{...}}.

            Ctrl+C stops following but leaves the job running; gob then exits 0.

            Examples:
              gob run make test
              gob run pnpm --filter web typecheck
              gob run -d "unit tests" --json make test
              gob run -q make test
              gob run -q --stuck-after 10m make test

            Output:
              Added job k3v running: make test
              Expected ~4.0s (up to 4.6s); 11 of 12 runs succeeded
              [k3v] ok 1 - parser
              [k3v] not ok 2 - lexer

              Job k3v completed: exit code 1 after 4.2s
            (or "Restarted job k3v running: make test" when a stopped job is reused;
            "killed by SIGKILL" when a signal ended it)

            Exit status: the job's exit code; 128+N when it was killed by signal N; 0 \
            when interrupted; 122 when it looks stuck; 1 when gob itself fails (for \
            example "failed to add job: cannot start \"mak\": no such file"); 125 when \
            the gob daemon was stopped while following (a daemon restarted in place, or \
            killed and replaced, is followed through).
            """)

    @Option(name: [.customShort("d"), .customLong("description")],
            help: ArgumentHelp("A one-line description of the job, shown by list", valueName: "text"))
    var jobDescription: String?

    @Flag(help: "Wait without streaming, then print the ended job as one JSON object")
    var json = false

    @Flag(name: .shortAndLong, help: "Print no output while the job runs, only a summary line (and its last lines if it fails)")
    var quiet = false

    @Option(help: ArgumentHelp("With --quiet: lines of each log shown when the job fails (default 30)", valueName: "n"))
    var tail: String?

    @Option(help: ArgumentHelp("Give up with exit status 122 once the job has run longer than this (90s, 5m, 1h30m) and printed nothing for 60s", valueName: "duration"))
    var stuckAfter: String?

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The command to run and its arguments", valueName: "command"))
    var command: [String] = []

    func run() throws {
        let typed = try PassthroughArguments.command(from: command, of: Self.self)
        let argv = try JobCommand.argv(from: typed, requirement: "requires at least 1 arg(s)")
        let description = try JobDescription.validated(jobDescription)
        let lines = try FlagValue.lineCount(tail, flag: "--tail")
        let stuckLimit = try FlagValue.milliseconds(fromDuration: stuckAfter, flag: "--stuck-after")
        try ReadyWait.checkCombination(follow: true, quiet: quiet, rule: nil, tail: lines, storedRule: false)
        let workdir = try DaemonSession.workingDirectory()
        let events = try JobFollowSupport.subscribe(workdir: workdir)
        let wording = DaemonSession.ErrorWording(prefix: "failed to add job: ")
        // The job gets the bytes the shell gave gob, not the parser's repaired text.
        let command = OSString.exactWords(argv, from: OSString.arguments())
        let spec = JobSpec(
            command: command, workdir: workdir, environment: OSString.environment(), description: description,
            settings: .current())
        let response = try DaemonSession().send(.run(spec), wording: wording)
        let job = try response.requireJob(wording: wording)
        if json { return try JobFollowSupport.awaitAsJSON(job, events: events, stuckAfter: stuckLimit) }
        if quiet {
            return try JobFollowSupport.quietly(job, events: events, tail: lines ?? LogTails.quietDefault, stuckAfter: stuckLimit)
        }
        let restarted = response["restarted"]?.boolValue ?? false
        Console.line("\(restarted ? "Restarted" : "Added") job \(job.id) running: \(job.commandLine)")
        if let estimate = RunText.estimateLine(job) { Console.line(estimate) }
        try JobFollowSupport.follow(job, events: events, stuckAfter: stuckLimit)
    }
}
