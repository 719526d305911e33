import Glibc
import CGobShims
import GobProtocol
import GobSystem

extension DaemonClient {
    /// What `shutdown` found.
    public enum ShutdownOutcome: Sendable, Equatable {
        /// No daemon was running; none was started.
        case notRunning
        /// The daemon with this PID stopped its jobs and exited.
        case stopped(pid: Int32)
    }

    /// Asks the running daemon to stop every job and exit, and waits until it has exited.
    /// Never starts a daemon. Works with a daemon of any gob version: the request carries
    /// no protocol version, which is what makes a daemon refuse a client of another
    /// build, and every version knows `shutdown`.
    ///
    /// The daemon's exit is watched through a pidfd of the process serving the socket,
    /// taken while its connection is open, so the PID cannot name another process.
    public func shutdown(timeoutMilliseconds: Int64) throws(ClientError) -> ShutdownOutcome {
        guard let socket = try connectIfRunning() else { return .notRunning }
        let pid = socket.peerPID
        let handle = gob_pidfd_open(pid)
        defer { if handle >= 0 { close(handle) } }
        var line = Array(Request.shutdown.json.compact.utf8)
        line.append(0x0A)
        do { try socket.writeAll(line) } catch {
            if error.code == EAGAIN || error.code == EWOULDBLOCK { throw .notResponding(pid: pid) }
            throw .send(detail: "write unix \(paths.socket): \(error)")
        }
        let reply: ReplyLine
        do { reply = try socket.readLine(limit: Int.max) } catch {
            if error.code == EAGAIN || error.code == EWOULDBLOCK { throw .notResponding(pid: pid) }
            throw .decode(detail: "read unix \(paths.socket): \(error)")
        }
        // Closed without a reply: it was already shutting down.
        if reply.count > 0 {
            let response = try Self.decode(reply)
            if !response.success { throw .decode(detail: response.error ?? "the daemon refused to shut down") }
        }
        guard handle >= 0 else { return .stopped(pid: pid) }
        let deadline = MonotonicClock.now() + timeoutMilliseconds * 1_000_000
        while true {
            let remaining = (deadline - MonotonicClock.now()) / 1_000_000
            if remaining <= 0 { throw .notResponding(pid: pid) }
            var poller = pollfd(fd: handle, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 60_000)))
            if ready > 0 { return .stopped(pid: pid) }
            if ready < 0 && errno != EINTR { return .stopped(pid: pid) }
        }
    }
}
