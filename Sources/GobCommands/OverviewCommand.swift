import ArgumentParser

/// `gob overview` (and bare `gob`): a static reference card. It never contacts the
/// daemon nor creates the runtime directory.
struct OverviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overview",
        abstract: "Show overview and common usage patterns",
        discussion: """
            Prints a short reference card of gob's commands, grouped by purpose. It is \
            what bare `gob` prints. It does not talk to the daemon.

            Examples:
              gob overview
              gob

            Exit status: 0.
            """)

    /// Refused: `overview` takes no arguments.
    @Argument(help: .hidden)
    var arguments: [String] = []

    func run() throws {
        try ArgumentCount.none(arguments, command: "overview")
        Console.out(Self.card)
    }

    /// The card: the commands grouped by purpose, then what scripts and AI agents use
    /// and the remaining commands, so that it lists every command that exists.
    static let card: String = {
        var text = "gob - Background Job Manager\n\n"
        text += section("JOB MANAGEMENT", [
            ("gob add <command>", "Create and start a new background job"),
            ("gob list", "List this directory's jobs (--all: every directory)"),
            ("gob remove <job_id>", "Remove a stopped job, its runs and logs"),
            ("gob cleanup", "Remove all stopped jobs"),
            ("gob nuke", "Stop all running jobs and remove all jobs"),
        ])
        text += section("HISTORY", [
            ("gob runs <job_id>", "A job's runs: when, how long, how they ended"),
            ("gob stats <job_id>", "Success rate and typical durations"),
            ("gob stdout <run_id>", "An earlier run's output (job-n, from runs)"),
            ("gob remove <run_id>", "Delete one earlier run and its logs"),
        ])
        text += section("PROCESS CONTROL", [
            ("gob start <job_id>", "Start a stopped job"),
            ("gob stop <job_id>", "Stop a running job (use --force for SIGKILL)"),
            ("gob restart <job_id>", "Stop and start a job again"),
            ("gob signal <job_id> <sig>", "Send a signal to a job"),
            ("gob ps <job_id>", "Show a job's processes, those that left its group too"),
            ("gob ports [<job_id>]", "Show the ports jobs listen on (TCP and UDP)"),
        ])
        text += section("CONVENIENCE", [
            ("gob run <command>", "Run a job and follow it to its end, exiting with its code;"),
            ("", "reuses a stopped job with the same command"),
        ], examples: ["gob run make test", "gob run pnpm --filter web typecheck"])
        text += section("PROJECT (.config/gobfile.toml)", [
            ("gob up [<name>...]", "Start the project's jobs, wait until ready"),
            ("gob down [<name>...]", "Stop the jobs started from the gobfile"),
        ])
        text += section("OUTPUT", [
            ("gob logs", "Follow stdout and stderr of all jobs here"),
            ("gob stdout <job_id>", "Show a job's stdout (-f to follow)"),
            ("gob stderr <job_id>", "Show a job's stderr (-f to follow)"),
            ("gob events", "Print job events as JSON lines"),
        ])
        text += section("INTERACTIVE", [
            ("gob tui", "Launch the interactive TUI"),
        ])
        text += section("SCRIPTS AND AI AGENTS", [
            ("gob await [<job_id>...]", "Wait for jobs (default: all running here) to end"),
            ("gob add -q <command>", "Print only the job ID: JOB=$(gob add -q make test)"),
            ("--ready-log REGEX", "add, start, restart return once a line matches"),
            ("gob await --ready <id>", "Wait until a job started earlier is ready"),
            ("-q on run, await, -f", "Only a summary line, last lines of a failed job"),
            ("-d, --description TEXT", "One line of context on add/run, shown by list"),
            ("--json", "One JSON object: add run start restart stop signal"),
            ("", "remove await list status ports ps"),
            ("--tail N", "Only the last N lines: stdout, stderr, logs"),
            ("--timeout SECONDS", "await gives up (exit 124); --any: first job to end"),
        ])
        text += section("DAEMON, SHELL, HELP", [
            ("gob status", "Show the daemon's health (never starts it)"),
            ("gob ping", "Check that the daemon answers (starts it)"),
            ("gob shutdown", "Stop running jobs and the daemon; keep history"),
            ("gob completion <shell>", "Print the completion script for bash, zsh or fish"),
            ("gob overview", "Show this card (so does plain 'gob')"),
        ])
        text += "Add -f/--follow to add, start or restart to follow the job's output.\n"
        text += "Job IDs are shown by 'gob list'.\n"
        text += "Use 'gob <command> --help' for details.\n"
        return text
    }()

    /// A heading, one line per entry (synopsis left-justified in 24 columns, or followed
    /// by two spaces when longer), then an empty line.
    private static func section(_ heading: String, _ entries: [(String, String)], examples: [String] = []) -> String {
        var text = heading + "\n"
        for (synopsis, description) in entries {
            let padding = synopsis.count < 24 ? String(repeating: " ", count: 24 - synopsis.count) : "  "
            text += "  " + synopsis + padding + description + "\n"
        }
        for example in examples { text += "    " + example + "\n" }
        return text + "\n"
    }
}
