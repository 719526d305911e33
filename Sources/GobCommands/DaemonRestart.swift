import GobClient
import GobProtocol

/// `gob daemon restart`: the in-place restart, as the user asks for it.
enum DaemonRestart {
    static func run() throws {
        let session = DaemonSession()
        let wording = DaemonSession.ErrorWording(prefix: "failed to restart the daemon: ")
        let reply: Response?
        do { reply = try session.client.restartInPlace() } catch {
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
