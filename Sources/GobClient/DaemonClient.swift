#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol

/// Talks to the per-user daemon: one request per connection, newline-delimited JSON
/// (contract §5.1), starting the daemon when nothing answers (§4.2, Decision D11).
public struct DaemonClient: Sendable {
    public let paths: RuntimePaths

    /// Seconds a send or a reply may take; a stop legitimately takes up to 15 s.
    static let ioTimeoutSeconds = 60
    /// Largest reply accepted; a list of many jobs is still far below it.
    static let replyLimit = 64 << 20
    /// How long to wait for another client that is starting the daemon.
    static let lockTimeoutNanoseconds: Int64 = 10_000_000_000

    public init(paths: RuntimePaths) {
        self.paths = paths
    }

    /// Sends `request` over a new connection and returns the daemon's reply.
    public func send(_ request: Request) throws(ClientError) -> Response {
        try exchange(request, over: connect())
    }

    /// Sends `request` over a new connection and returns the reply line's bytes (never
    /// empty), for a caller that decodes it its own way (`list --json`).
    public func sendForLine(_ request: Request) throws(ClientError) -> ReplyLine {
        try exchangeLine(request, over: connect())
    }

    /// Writes `request` on a connected socket and reads the daemon's one-line reply.
    func exchange(_ request: Request, over socket: borrowing UnixSocket) throws(ClientError) -> Response {
        let reply = try exchangeLine(request, over: socket)
        let json: JSON
        do { json = try reply.withBytes { bytes throws(JSONError) in try JSON(parsing: bytes) } } catch {
            throw .decode(detail: error.description)
        }
        guard let response = Response(json: json) else {
            throw .decode(detail: "reply is not a response object")
        }
        return response
    }

    /// Writes `request` on a connected socket and returns the reply line's bytes, never
    /// empty.
    private func exchangeLine(_ request: Request, over socket: borrowing UnixSocket) throws(ClientError) -> ReplyLine {
        var line = Array(request.wireJSON.compact.utf8)
        line.append(0x0A)
        do { try socket.writeAll(line) } catch {
            throw .send(detail: "write unix \(paths.socket): \(Self.describe(error))")
        }
        let reply: ReplyLine
        do { reply = try socket.readLine(limit: Self.replyLimit) } catch {
            throw .decode(detail: "read unix \(paths.socket): \(Self.describe(error))")
        }
        guard reply.count > 0 else { throw .decode(detail: "EOF") }
        return reply
    }

    /// A connection to the daemon, starting it first when nothing listens.
    func connect() throws(ClientError) -> UnixSocket {
        do { return try UnixSocket(connectingTo: paths.socket, timeoutSeconds: Self.ioTimeoutSeconds) } catch {
            // A path the kernel cannot take will not work after a start either.
            if error.code == nil { throw .connect(cause: error.description) }
        }
        do { try paths.ensureDirectory() } catch { throw .connect(cause: error.description) }
        let lock = try StartLock(path: paths.lockFile, timeoutNanoseconds: Self.lockTimeoutNanoseconds)
        return try startAndConnect(holding: lock)
    }

    /// Starts the daemon unless another client did meanwhile, then connects. The borrowed
    /// lock is held for the whole call.
    private func startAndConnect(holding lock: borrowing StartLock) throws(ClientError) -> UnixSocket {
        // Another client may have started it while this one waited for the lock.
        if let socket = tryConnect() { return socket }
        let launcher = DaemonLauncher(paths: paths)
        do { try launcher.launch() } catch {
            // A daemon started by other means may have won the race; use it if it answers.
            guard let socket = tryConnect() else { throw error }
            return socket
        }
        for _ in 0..<50 {
            if let socket = tryConnect() { return socket }
            MonotonicClock.sleep(milliseconds: 10)
        }
        throw .connect(cause: "failed to connect to daemon after starting it")
    }

    private func tryConnect() -> UnixSocket? {
        do { return try UnixSocket(connectingTo: paths.socket, timeoutSeconds: Self.ioTimeoutSeconds) } catch {
            return nil
        }
    }

    /// Go's wording for a timed-out socket operation; the OS text otherwise.
    private static func describe(_ error: SystemError) -> String {
        error.code == EAGAIN || error.code == EWOULDBLOCK ? "i/o timeout" : error.description
    }
}
