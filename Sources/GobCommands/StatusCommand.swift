import ArgumentParser
import GobProtocol

/// `gob status [--json]`: the daemon's health in a few lines, without ever starting it.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the daemon's health (never starts it)",
        discussion: """
            Shows whether the per-user daemon runs and, when it does, its PID, version, \
            uptime, runtime directory, how many jobs it holds (running and stopped, all \
            directories), how many clients are subscribed to its events (gob logs, \
            gob events, the TUI, followers) and its memory use. Unlike every other \
            command that talks to the daemon, status does not start it when it is not \
            running.

            When the daemon is of another version than this gob (gob was upgraded while \
            it kept running), other commands are refused with "version mismatch: ..."; \
            status still answers and says how to restart it.

            With --json, prints one JSON object: "running" (false when no daemon runs, \
            with only "runtime_dir" besides), "compatible" (whether this gob can talk to \
            it), then pid, version, protocol, started_at, uptime_seconds, runtime_dir, \
            jobs_running, jobs_stopped, subscribers and rss_bytes.

            Examples:
              gob status
              gob status --json

            Output:
              Daemon running, PID 28911
              Version: dev (protocol dev/2)
              Uptime: 2h03m (since 2026-11-26T14:03:51Z)
              Runtime directory: /run/user/1000/gob
              Jobs: 2 running, 1 stopped
              Subscribers: 1
              Memory: 5.1 MiB resident
            With no daemon:
              No daemon running (runtime directory /run/user/1000/gob)

            Exit status: 0 whether or not a daemon runs; 1 on any error (for example \
            "failed to get status: failed to decode response: EOF").
            """)

    @Flag(help: "Output in JSON format")
    var json = false

    /// Refused: `status` takes no arguments.
    @Argument(help: .hidden)
    var arguments: [String] = []

    func run() throws { try invocation().run() }

    /// The parsed command line as the fast path would read it.
    func invocation() throws -> Invocation {
        try ArgumentCount.none(arguments, command: "status")
        return .status(json: json)
    }
}
