#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A stand-in for a daemon of another gob version: listens on the socket and answers each
/// request line with the reply `answer` gives for it, so tests can see how the client
/// shows what such a daemon says.
final class FakeDaemon: @unchecked Sendable {
    // @unchecked: `fd` is set once and never changes; only the thread closes it.
    private let fd: Int32
    private let thread: Thread

    /// Listens at `path` (whose directory must exist) and serves from a thread.
    init(socket path: String, answer: @escaping @Sendable (String) -> String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw GobProcess.SpawnFailure(code: errno, path: path) }
        self.fd = fd
        thread = Thread {
            // The thread closes the socket itself, so its number cannot be reused by
            // another test while it may still call accept on it.
            defer { close(fd) }
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                var request: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !request.contains(0x0A) {
                    let count = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
                    if count <= 0 { break }
                    request.append(contentsOf: buffer[0..<count])
                }
                let reply = Array((answer(String(decoding: request, as: UTF8.self)) + "\n").utf8)
                _ = reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }
        thread.start()
    }

    /// Stops accepting: the thread's `accept` fails at once, and it closes the socket.
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
    }
}
