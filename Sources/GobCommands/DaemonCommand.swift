import ArgumentParser
import GobProtocol

/// `gob daemon restart` and `gob daemon stop`, and the hidden `gob daemon [run]` that
/// auto-start executes.
struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Restart or stop the gob daemon",
        usage: "gob daemon restart | gob daemon stop",
        discussion: """
            gob daemon restart: re-executes the running daemon in place, into the \
            gob-daemon beside this gob (so an upgraded gob takes over; an older gob is refused: a daemon is never \
            downgraded). A newer gob does the same by itself when it meets an older \
            daemon, saying "gob: daemon upgraded 1.2.0 -> 1.3.0; 5 jobs kept running". The daemon \
            keeps its PID, every running job keeps running (a job that ends later still \
            has its exit code), and no client is refused meanwhile: connections wait in \
            the socket's queue. Requests being served are answered first; commands \
            waiting on events (await, run, -f, events, readiness waits) subscribe \
            again and miss no job's end; logs and the TUI reconnect. It never starts a daemon.

            gob daemon stop: the same as gob shutdown.

            gob daemon (or gob daemon run) runs the daemon (gob-daemon, installed beside \
            gob) in the foreground, in this process; other gob commands start it when \
            none is running, so there is normally no need to run it by hand.

            Output:
              Restarted the gob daemon in place (PID 28901); 5 jobs kept running
              No daemon running

            Exit status: 0 on success, also when no daemon was running; 1 on an error; \
            125 when the daemon could not be reached or did not come back.
            """,
        shouldDisplay: false)

    /// A descriptor on which to report start-up: `ok` or `error: <message>`.
    @Option(name: .customLong("ready-fd"), help: .hidden)
    var readyFD: Int32?

    /// `restart`, `stop`, `run`, or nothing (run).
    @Argument(help: .hidden)
    var arguments: [String] = []

    func run() throws {
        switch arguments {
        case ["restart"] where readyFD == nil: try DaemonRestart.run()
        case ["stop"] where readyFD == nil: try ShutdownCommand.stopDaemon()
        default: try invocation().run()
        }
    }

    /// The parsed command line as the fast path would read it.
    func invocation() throws -> Invocation {
        if let first = arguments.first, arguments != ["run"] {
            throw CommandFailure.invalid(
                "unknown daemon action \(ShellWords.quote(first)): expected restart or stop")
        }
        return .daemon(readyFD: readyFD)
    }
}
