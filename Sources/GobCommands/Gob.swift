import ArgumentParser
import GobProtocol

/// The root command: bare `gob` prints the overview card, `-v/--version` the version.
/// Sub-commands are dispatched by `CommandLineRunner`.
struct Gob: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gob",
        abstract: "Start and manage background jobs",
        discussion: """
            gob starts commands as background jobs that keep running after the shell \
            that started them exits, and manages them: list, stop, start, restart, \
            signal and remove them, follow their output, wait for them. Jobs belong to \
            the directory they were started in. A per-user daemon supervises the jobs; \
            any command that needs it starts it.

            For scripts and AI agents: `gob add -q` prints only the job ID, `gob await` \
            waits for jobs and exits with their code, --json gives one JSON value (also \
            for errors), --tail N limits output, `gob status` checks the daemon.

            Examples:
              gob add make watch    Start a job: Added job k3v running: make watch
              gob list              List the jobs of this directory
              gob await k3v         Wait for it to end; exits with its exit code
              gob stop k3v          Stop it

            Exit status: 0 on success; 1 on an error; the job's own exit code (128+N \
            for signal N) from run, await and the --follow options; 124 when --timeout \
            passed; 125 when the gob daemon could not be reached or went away; 130 when \
            await was interrupted.
            """,
        // Alphabetical, like cobra's command list; `daemon` is hidden.
        subcommands: [
            AddCommand.self, AwaitCommand.self, CleanupCommand.self, CompletionCommand.self, DownCommand.self,
            EventsCommand.self, ListCommand.self, LogsCommand.self, NukeCommand.self, OverviewCommand.self,
            PingCommand.self, PortsCommand.self, PsCommand.self, RemoveCommand.self, RestartCommand.self,
            RunCommand.self, RunsCommand.self, ShutdownCommand.self, SignalCommand.self, StartCommand.self,
            StatsCommand.self, StatusCommand.self, StderrCommand.self, StdoutCommand.self, StopCommand.self,
            TuiCommand.self, UpCommand.self, DaemonCommand.self,
        ])

    @Flag(name: [.short, .customLong("version")], help: "version for gob")
    var version = false

    func run() throws {
        guard let invocation = invocation() else { return Console.out(OverviewCommand.card) }
        try invocation.run()
    }

    /// The parsed command line as the fast path would read it; nil for the overview card.
    func invocation() -> Invocation? { version ? .version : nil }

    /// The sub-command called `name`, hidden ones included.
    static func subcommand(named name: String) -> (any ParsableCommand.Type)? {
        configuration.subcommands.first { $0.configuration.commandName == name }
    }

    /// Names offered by "Did you mean this?": visible sub-commands only.
    static var suggestableNames: [String] {
        configuration.subcommands.compactMap { command in
            command.configuration.shouldDisplay ? command.configuration.commandName : nil
        }
    }
}
