import ArgumentParser
import GobProtocol

/// `gob list [-a] [--workdir] [--json]`: list jobs, newest first.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List background jobs",
        discussion: """
            Lists the jobs started from the current directory, newest first. Each line \
            shows the job ID, the PID of its latest process, whether it is running or \
            stopped, and its command, quoted as a shell would need it. A job whose last \
            process failed (a non-zero exit code, or a signal gob did not send to stop \
            it) is marked after its command with a cross and how it failed: "exit 1", \
            "SIGKILL" (the cross is "!" when the locale is not UTF-8, as below). A job \
            with a description (`gob add -d`) has it on a second line, indented by four \
            spaces; a running job that listens on ports has them there too, after the \
            description (":5173 :24678", ":5353/udp" for UDP; see `gob ports`). On a \
            terminal, long commands are cut to its width; otherwise lines are never cut.

            Examples:
              gob list
              gob list --all
              gob list --json

            Output:
              k3v: [28978] running: npm run dev
                  web UI  :5173 :24678
              b7q: [28950] stopped: npm test  ! exit 1
              x2m: [28911] stopped: sh -c 'sleep 5; echo done'
            With --workdir, and always with --all:
              k3v: [28978] running (/home/me/app): npm run dev
            With no jobs: No jobs found (with --json: []).
            --json prints a JSON array with id, pid, status, command, workdir, \
            created_at, exit_code, signal, ended_at, started_at, run_time_ms, \
            description, stopped_by_gob and ports (each {"port", "proto", "address", \
            "pid"}; empty for a job that is not running) for each job.

            Exit status: 0 on success, 1 on an error.
            """)

    @Flag(name: .shortAndLong, help: "Show jobs from all directories (implies --workdir)")
    var all = false

    @Flag(help: "Show working directory for each job")
    var workdir = false

    @Flag(help: "Output in JSON format")
    var json = false

    /// Refused: `list` takes no arguments.
    @Argument(help: .hidden)
    var arguments: [String] = []

    func run() throws { try invocation().run() }

    /// The parsed command line as the fast path would read it.
    func invocation() throws -> Invocation {
        try ArgumentCount.none(arguments, command: "list")
        return .list(all: all, workdir: workdir, json: json)
    }
}
