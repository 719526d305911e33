import GobClient
import GobProtocol

/// `gob daemon restart`: the in-place restart, as the user asks for it.
enum DaemonRestart {
    /// Re-executes the daemon into this gob's daemon executable (`gob-daemon` beside
    /// it) — so a gob installed over
    /// the one the daemon runs (replaced by a new file, as package managers do) takes
    /// over — unless this gob is older than the daemon: a daemon is never downgraded.
    static func run() throws {
        let session = DaemonSession()
        let wording = DaemonSession.ErrorWording(prefix: "failed to restart the daemon: ")
        guard let status = try session.sendIfRunning(.status, wording: wording) else {
            Console.line("No daemon running")
            return
        }
        let daemon = status["protocol"]?.stringValue ?? ""
        if daemon != GobVersion.handshake && !GobVersion.upgrades(daemon: daemon) {
            throw CommandFailure(
                "this gob (\(GobVersion.handshake)) is older than the running daemon (\(daemon)): "
                    + "a daemon is never downgraded; restart it with the newer gob", code: .versionMismatch)
        }
        let reply: Response?
        do { reply = try session.client.restartInPlace(executable: try? ExecutablePath.daemon()) } catch {
            throw DaemonSession.failure(error, wording: wording)
        }
        guard let reply else {
            Console.line("No daemon running")
            return
        }
        let response = try DaemonSession.checked(reply, wording: wording)
        let pid = try response.integer("pid", wording: wording)
        let running = try response.integer("jobs_running", wording: wording)
        Console.line("Restarted the gob daemon in place (PID \(pid)); \(running) job\(running == 1 ? "" : "s") kept running")
    }
}
