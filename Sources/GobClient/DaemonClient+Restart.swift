import Glibc
import GobProtocol
import GobSystem

extension DaemonClient {
    /// How long the old image may take to finish the requests it serves (a stop waits up
    /// to 15 s) and the new one to read its jobs back.
    static let restartTimeoutMilliseconds: Int64 = 60_000

    /// Asks the daemon to re-execute itself in place (`daemon_restart`): same PID, its
    /// jobs running on. The reply comes from the new image, once it serves. Never starts
    /// a daemon: nil when none runs. A success carries `pid` (unchanged), `version` (the
    /// one the daemon runs now) and `jobs_running`.
    public func restartInPlace() throws(ClientError) -> Response? {
        let directory: RuntimePaths.OpenedDirectory?
        do { directory = try paths.openDirectory(create: false, tighten: false) } catch {
            throw .connect(cause: error.description)
        }
        guard let directory else { return nil }
        close(directory.descriptor)
        let timeout = try bounded(Self.quickTimeoutMilliseconds)
        let socket: UnixSocket
        do {
            socket = try UnixSocket(connectingTo: paths.socket, timeoutMilliseconds: timeout)
        } catch {
            if !error.isForeign, error.code == ENOENT || error.code == ECONNREFUSED || error.code == ENOTDIR {
                return nil
            }
            throw .connect(cause: error.description)
        }
        let pid = socket.peerPID
        do { try socket.writeAll(Self.line(for: .daemonRestart, requestID: nil)) } catch {
            if error.code == EAGAIN || error.code == EWOULDBLOCK { throw .notResponding(pid: pid) }
            throw .send(detail: "write unix \(paths.socket): \(error)")
        }
        socket.setTimeout(milliseconds: try bounded(Self.restartTimeoutMilliseconds))
        let reply: ReplyLine
        do { reply = try socket.readLine(limit: Int.max) } catch {
            if error.code == EAGAIN || error.code == EWOULDBLOCK { throw .notResponding(pid: pid) }
            throw .decode(detail: "read unix \(paths.socket): \(error)")
        }
        // Closed without a reply: the new image could not start (its log says why).
        guard reply.count > 0 else { throw .daemonStopped }
        return try Self.decode(reply)
    }
}
