import Glibc
import GobProtocol

extension DaemonClient {
    /// Sends `request` only when a daemon listens; nil when none runs. Never starts one
    /// (nor creates `<rt>`), so `gob status` and shell completion can look without
    /// leaving a daemon behind. Only for requests that change nothing: it is not retried.
    public func sendIfRunning(_ request: Request) throws(ClientError) -> Response? {
        guard let socket = try connectIfRunning() else { return nil }
        do { try socket.writeAll(Self.line(for: request, requestID: nil)) } catch {
            if error.code == EAGAIN || error.code == EWOULDBLOCK { throw .notResponding(pid: socket.peerPID) }
            throw .send(detail: "write unix \(paths.socket): \(error)")
        }
        var progress = DaemonProgress(pid: socket.peerPID, firstWait: Self.quickTimeoutMilliseconds, giveUpAfter: Self.slowTimeoutMilliseconds)
        let reply: ReplyLine
        do { reply = try socket.readLine(limit: Int.max) { progress.nextWait(bound: bounded) } } catch {
            if error.code == EAGAIN || error.code == EWOULDBLOCK { throw timeoutFailure(pid: socket.peerPID, waitedUpTo: progress.lastWait) }
            throw .decode(detail: "read unix \(paths.socket): \(error)")
        }
        // A daemon that went away meanwhile: as if none ran.
        guard reply.count > 0 else { return nil }
        return try Self.decode(reply)
    }

    /// A connection to the daemon when one listens; nil when none runs (no `<rt>`, no
    /// socket file, or a stale one nobody listens on). Never starts a daemon nor creates
    /// `<rt>`; `<rt>` is checked first, as for every connection.
    func connectIfRunning() throws(ClientError) -> UnixSocket? {
        let directory: RuntimePaths.OpenedDirectory?
        do { directory = try paths.openDirectory(create: false, tighten: false) } catch {
            throw .connect(cause: error.description)
        }
        guard let directory else { return nil }
        close(directory.descriptor)
        let timeout = try bounded(Self.quickTimeoutMilliseconds)
        do {
            return try UnixSocket(connectingTo: paths.socket, timeoutMilliseconds: timeout)
        } catch {
            if !error.isForeign, error.code == ENOENT || error.code == ECONNREFUSED || error.code == ENOTDIR { return nil }
            throw .connect(cause: error.description)
        }
    }
}
