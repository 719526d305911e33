import ArgumentParser
import GobProtocol

/// `gob add [--] <command> [args...]`: create and start a job (contract §2.3).
struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create and start a new background job",
        usage: "gob add [--follow] [--description <text>] [--quiet] [--json] [--] <command> [args...]",
        discussion: """
            Starts <command> with its arguments as a new background job in the current \
            directory and prints its job ID. The command is run directly, not through a \
            shell; the job gets this shell's environment. A new job is created even when \
            a job with the same command exists.

            gob's own options come before the command; everything from the first \
            non-option argument on belongs to the job. A leading -- is accepted and \
            dropped, so `gob add -- -weird-name` runs a command whose name starts with -.

            With --follow, gob then prints the job's output until it ends and exits with \
            its exit code (128+N when signal N killed it), like `gob run`; Ctrl+C stops \
            following and leaves the job running.

            --description stores one line of context about the job (what it is, which \
            port, where to look); `gob list` shows it under the job. --quiet prints only \
            the job's ID, for scripts: JOB=$(gob add -q make test). --json prints the job \
            as one JSON object instead (with --follow: once it has ended, without its \
            output).

            Examples:
              gob add make watch
              gob add -f make -j4
              gob add -d "web UI on :5173" npm run dev
              JOB=$(gob add -q make test)
              gob add -- ls -la

            Output:
              Added job V3x0QqI running: make watch
            With --quiet:
              V3x0QqI

            Exit status: 0 when the job was started, 1 on any error (for example \
            "failed to add job: add failed: cannot start "nonexistent": no such \
            file"); with --follow, the \
            job's exit code.
            """)

    @Flag(name: .shortAndLong, help: "Follow output until job completes")
    var follow = false

    @Option(name: [.customShort("d"), .customLong("description")],
            help: ArgumentHelp("A one-line description of the job, shown by list", valueName: "text"))
    var jobDescription: String?

    @Flag(name: .shortAndLong, help: "Print only the new job's ID")
    var quiet = false

    @Flag(help: "Print the job as one JSON object")
    var json = false

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The command to run and its arguments", valueName: "command"))
    var command: [String] = []

    func run() throws { try invocation().run() }

    /// The parsed command line as the fast path would read it: the job's argv without
    /// the leading options the parser left in it (help, an unknown option, one `--`).
    func invocation() throws -> Invocation {
        let argv = try PassthroughArguments.command(from: command, of: Self.self)
        return .add(follow: follow, description: jobDescription, quiet: quiet, json: json, command: argv)
    }
}
