import ArgumentParser
import GobProtocol

/// `gob run [--] <command> [args...]`: run a command as a job and follow it to its end,
/// reusing a stopped job with the same command in this directory (contract §2.4, D2, D15).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command and follow its output until completion",
        usage: "gob run [--description <text>] [--json] [--] <command> [args...]",
        discussion: """
            Runs <command> as a background job and prints its stdout and stderr, each \
            line prefixed with the job ID, until it ends; then exits with the job's exit \
            code (128+N when signal N killed it), so `gob run make test` fails when the \
            tests fail.

            A stopped job of this directory with exactly the same command is reused: its \
            logs are cleared and it is started again under the same ID, keeping its \
            description unless --description gives a new one. When such a job is still \
            running, gob refuses to start a second one.

            gob's own options (-h/--help, -d/--description, --json) come before the \
            command; everything from the first other argument on belongs to the job, so \
            `gob run ls -la` works. A single argument containing spaces is split on \
            whitespace (no quoting): `gob run "make test"` runs make with the argument test.

            With --json nothing is streamed: gob waits for the job to end, prints it as \
            one JSON object (exit_code, signal, run_time_ms, log paths, …) and exits with \
            its exit code.

            Ctrl+C stops following but leaves the job running; gob then exits 0.

            Examples:
              gob run make test
              gob run pnpm --filter web typecheck
              gob run -d "unit tests" --json make test

            Output:
              Added job V3x0QqI running: make test
              [V3x0QqI] ok 1 - parser
              [V3x0QqI] not ok 2 - lexer

              Job V3x0QqI completed
            (or "Restarted job V3x0QqI running: make test" when a stopped job is reused)

            Exit status: the job's exit code; 128+N when it was killed by signal N; 0 when \
            interrupted; 1 when gob itself fails (for example "failed to add job: job \
            V3x0QqI is already running with the same command").
            """)

    @Option(name: [.customShort("d"), .customLong("description")],
            help: ArgumentHelp("A one-line description of the job, shown by list", valueName: "text"))
    var jobDescription: String?

    @Flag(help: "Wait without streaming, then print the ended job as one JSON object")
    var json = false

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The command to run and its arguments", valueName: "command"))
    var command: [String] = []

    func run() throws {
        var argv = try PassthroughArguments.command(from: command, of: Self.self)
        guard !argv.isEmpty else { throw CommandFailure("requires at least 1 arg(s)") }
        if argv.count == 1, let only = argv.first, only.contains(" ") {
            argv = only.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
            guard !argv.isEmpty else { throw CommandFailure("requires at least 1 arg(s)") }
        }
        let description = try JobDescription.validated(jobDescription)
        let workdir = try DaemonSession.workingDirectory()
        let events = try JobFollowSupport.subscribe(workdir: workdir)
        let wording = DaemonSession.ErrorWording(command: "failed to add job: ", daemon: "")
        // The job gets the bytes the shell gave gob, not the parser's repaired text.
        let command = OSString.exactWords(argv, from: OSString.arguments())
        let spec = JobSpec(command: command, workdir: workdir, environment: OSString.environment(), description: description)
        let response = try DaemonSession().send(.run(spec), wording: wording)
        let job = try response.requireJob(wording: wording)
        if json { return try JobFollowSupport.awaitAsJSON(job, events: events) }
        let restarted = response["restarted"]?.boolValue ?? false
        Console.line("\(restarted ? "Restarted" : "Added") job \(job.id) running: \(job.commandLine)")
        try JobFollowSupport.follow(job, events: events)
    }
}
