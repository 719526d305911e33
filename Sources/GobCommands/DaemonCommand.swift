import ArgumentParser

/// Hidden `gob daemon`: runs the daemon in the foreground; this is what auto-start
/// executes.
struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the gob daemon (internal use only)",
        discussion: """
            Runs the per-user gob daemon in the foreground until it receives SIGTERM, \
            SIGINT or SIGHUP, or until `gob nuke` leaves it without jobs. Other gob \
            commands start it automatically when it is not running; there is normally no \
            need to run it by hand.

            Exit status: 0 after a graceful shutdown, 1 when it cannot start (for \
            example "failed to cleanup stale socket: daemon already running (socket in \
            use: /run/user/1000/gob/daemon.sock)").
            """,
        shouldDisplay: false)

    /// A descriptor on which to report start-up: `ok` or `error: <message>`.
    @Option(name: .customLong("ready-fd"), help: .hidden)
    var readyFD: Int32?

    /// Refused: `daemon` takes no arguments.
    @Argument(help: .hidden)
    var arguments: [String] = []

    func run() throws { try invocation().run() }

    /// The parsed command line as the fast path would read it.
    func invocation() throws -> Invocation {
        try ArgumentCount.none(arguments, command: "daemon")
        return .daemon(readyFD: readyFD)
    }
}
