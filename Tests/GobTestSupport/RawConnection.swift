import Glibc

/// Sends arbitrary bytes to the daemon's socket and reads whatever comes back until the
/// daemon closes the connection, to see how it treats any request, good or bad.
public enum RawConnection {
    /// One exchange, blocking the calling thread: for threads of their own
    /// (`offThePool`). From a test's task, use `reply(socket:sending:)`.
    public static func exchange(socket path: String, sending bytes: [UInt8]) -> [UInt8] {
        guard let fd = UnixSocket.connect(to: path) else { return [] }
        defer { close(fd) }
        // A failsafe: a daemon that never answers fails the test instead of hanging it.
        UnixSocket.setTimeouts(fd, seconds: Int(Failsafe.wait.components.seconds))
        // The daemon may refuse and close before reading everything; that is fine.
        UnixSocket.sendAll(fd, bytes)
        _ = shutdown(fd, Int32(SHUT_WR))
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            reply.append(contentsOf: buffer[0..<count])
        }
        return reply
    }

    /// One exchange on a thread of its own, so the test's task holds no shared thread.
    public static func reply(socket path: String, sending bytes: [UInt8]) async -> [UInt8] {
        await offThePool { exchange(socket: path, sending: bytes) }
    }
}
