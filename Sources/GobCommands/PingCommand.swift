import ArgumentParser
import GobProtocol

/// `gob ping`: check that the daemon answers, starting it if needed.
struct PingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Ping the daemon to verify it's running",
        discussion: """
            Connects to the daemon (starting it when it is not running) and checks that \
            it answers. To check without starting it, use `gob status`.

            Examples:
              gob ping

            Output:
              pong

            Exit status: 0 when the daemon answered; 1 on an error; 125 when it could \
            not be reached or started (for example "failed to connect to daemon: ...").
            """)

    /// Refused: `ping` takes no arguments.
    @Argument(help: .hidden)
    var arguments: [String] = []

    func run() throws { try invocation().run() }

    /// The parsed command line as the fast path would read it.
    func invocation() throws -> Invocation {
        try ArgumentCount.none(arguments, command: "ping")
        return .ping
    }
}
