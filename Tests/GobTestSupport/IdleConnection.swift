import Glibc
import Synchronization

/// A connection to the daemon that a test keeps open: it sends `bytes` (maybe nothing,
/// maybe half a request, maybe a `subscribe`) and then reads nothing unless asked, to
/// see how the daemon treats silent, slow or stuck clients.
public final class IdleConnection: Sendable {
    public let fd: Int32
    private let closed = Mutex(false)

    /// Connects and sends `bytes`; nil when the daemon does not accept the connection or
    /// the bytes cannot be sent.
    public init?(socket path: String, sending bytes: [UInt8] = []) {
        guard let fd = UnixSocket.connect(to: path) else { return nil }
        guard UnixSocket.sendAll(fd, bytes) else {
            Glibc.close(fd)
            return nil
        }
        self.fd = fd
    }

    deinit { close() }

    /// Closes the connection (once).
    public func close() {
        closed.withLock { done in
            if !done { _ = Glibc.close(fd) }
            done = true
        }
    }

    /// Sends more bytes; false when the daemon is gone.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        UnixSocket.sendAll(fd, bytes)
    }

    /// Whether the daemon has closed its end already (a read sees end of file). Reads
    /// and drops what the daemon sent before.
    public var closedByPeer: Bool {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 { continue }
            if count < 0 && errno == EINTR { continue }
            return count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
        }
    }

    /// Waits until the daemon closes its end, reading and dropping what it sends: true;
    /// false after `timeout`.
    public func peerClosed(timeout: Duration = Failsafe.wait) async -> Bool {
        await readToEnd(timeout: timeout) != nil
    }

    /// Everything the daemon sends until it closes its end; nil when it has not closed
    /// it after `timeout`.
    public func readToEnd(timeout: Duration = Failsafe.wait) async -> [UInt8]? {
        let deadline = ContinuousClock().now + timeout
        var received: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                received.append(contentsOf: scratch[0..<count])
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) { return received }
            guard await Reactor.shared.wait(for: fd, events: Int16(POLLIN), until: deadline) else { return nil }
        }
    }

    /// Tells the daemon this client is done (end of file on its side) and waits until it
    /// has closed the connection: from then on it holds no descriptor for it. True; false
    /// after `timeout`.
    public func leave(timeout: Duration = Failsafe.wait) async -> Bool {
        _ = shutdown(fd, Int32(SHUT_WR))
        return await peerClosed(timeout: timeout)
    }

    /// Tells the daemon this client is done and waits until it has closed the
    /// connection, blocking the calling thread: for threads of their own (`offThePool`).
    public func leaveBlocking() -> Bool {
        _ = shutdown(fd, Int32(SHUT_WR))
        UnixSocket.setTimeouts(fd, seconds: Int(Failsafe.wait.components.seconds))
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { continue }
            if count < 0 && errno == EINTR { continue }
            return count == 0 || errno == ECONNRESET
        }
    }

    /// How many bytes the daemon sent that this client has not read (up to 16 MiB).
    public var unreadByteCount: Int {
        var scratch = [UInt8](repeating: 0, count: 16 << 20)
        let count = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_PEEK | MSG_DONTWAIT)) }
        return max(0, count)
    }
}
