import ArgumentParser
import GobClient
import GobProtocol

/// `gob shutdown`: stop every running job and the daemon, keeping jobs and history.
struct ShutdownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shutdown",
        abstract: "Stop every running job and the gob daemon, keeping jobs and history",
        usage: "gob shutdown",
        discussion: """
            Stops the gob daemon: every running job's process group gets SIGTERM, then \
            SIGKILL after 10 seconds, and the daemon exits once they are gone. Unlike \
            `gob nuke`, nothing is forgotten: every job, its runs and their logs stay in \
            the state directory, and the next gob command starts a daemon that shows \
            them, stopped; `gob start` runs one again. It returns once the daemon has \
            exited. It works with a daemon of another gob version too, which is how to \
            replace a daemon after an upgrade. It never starts a daemon.

            Examples:
              gob shutdown

            Output:
              Stopped the gob daemon (PID 28901)
              No daemon running

            Exit status: 0 on success, also when no daemon was running; 1 on an error; \
            125 when the daemon could not be reached or did not exit in time.
            """)

    /// Refused: `shutdown` takes no arguments.
    @Argument(help: .hidden)
    var arguments: [String] = []

    /// How long the daemon may take to stop its jobs (10 s + 5 s per group, all at once).
    static let timeoutMilliseconds: Int64 = 60_000

    func run() throws {
        try ArgumentCount.none(arguments, command: "shutdown")
        try Self.stopDaemon()
    }

    /// Stops the daemon (also `gob daemon stop`).
    static func stopDaemon() throws {
        let outcome: DaemonClient.ShutdownOutcome
        do { outcome = try DaemonSession().client.shutdown(timeoutMilliseconds: Self.timeoutMilliseconds) } catch {
            throw DaemonSession.failure(error, wording: .init(prefix: "failed to shut down: "))
        }
        switch outcome {
        case .notRunning: Console.line("No daemon running")
        case let .stopped(pid): Console.line("Stopped the gob daemon (PID \(pid))")
        }
    }
}
