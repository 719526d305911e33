import Glibc
import GobProtocol
import GobSystem

/// A stand-in for a daemon of another gob version: listens on the socket and answers each
/// request line with the reply `answer` gives for it, so tests can see how the client
/// shows what such a daemon says.
public final class FakeDaemon: Sendable {
    private let fd: Int32

    /// Listens at `path` (whose directory must exist) and serves from a thread of its own.
    public init(socket path: String, answer: @escaping @Sendable (String) -> String) throws {
        let fd = try UnixSocket.listen(at: path)
        self.fd = fd
        DetachedThread.start {
            // The thread closes the socket itself, so its number cannot be reused by
            // another test while it may still call accept on it.
            defer { close(fd) }
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else {
                    if errno == EINTR { continue }
                    return
                }
                var request: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !request.contains(0x0A) {
                    let count = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
                    if count <= 0 { break }
                    request.append(contentsOf: buffer[0..<count])
                }
                UnixSocket.sendAll(client, Array((answer(String(decoding: request, as: UTF8.self)) + "\n").utf8))
                close(client)
            }
        }
    }

    /// Stops accepting: the thread's `accept` fails at once, and it closes the socket.
    public func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
    }
}
