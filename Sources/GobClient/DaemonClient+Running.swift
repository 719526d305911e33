#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol

extension DaemonClient {
    /// Sends `request` only when a daemon listens; nil when none runs. Never starts one,
    /// so `gob status` and shell completion can look without leaving a daemon behind.
    public func sendIfRunning(_ request: Request) throws(ClientError) -> Response? {
        let socket: UnixSocket
        do {
            socket = try UnixSocket(connectingTo: paths.socket, timeoutSeconds: Self.ioTimeoutSeconds)
        } catch {
            // No socket file, or a stale one nobody listens on: no daemon.
            if error.code == ENOENT || error.code == ECONNREFUSED || error.code == ENOTDIR { return nil }
            throw .connect(cause: error.description)
        }
        return try exchange(request, over: socket)
    }
}
