import Glibc
import GobSystem

/// The Unix-domain stream socket calls that every raw client of the tests and the fake
/// daemon share.
enum UnixSocket {
    /// A socket connected to `path`, close-on-exec; nil when nobody listens there.
    static func connect(to path: String) -> Int32? {
        try? Socket.connected(to: path)
    }

    /// A socket listening at `path` (whose directory must exist).
    static func listen(at path: String, backlog: Int32 = 16) throws -> Int32 {
        let fd: Int32
        do { fd = try Socket.stream() } catch { throw SpawnFailure(code: error.code, path: path) }
        do throws(SystemError) {
            try Socket.bind(fd, to: UnixSocketAddress(path: path))
            guard Glibc.listen(fd, backlog) == 0 else { throw SystemError.last }
        } catch {
            Descriptor.close(fd)
            throw SpawnFailure(code: error.code, path: path)
        }
        return fd
    }

    /// Sends every byte; false when the peer is gone (or a send timeout passed).
    @discardableResult
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        Descriptor.writeAllIgnoringErrors(fd, bytes, to: .socket)
    }

    /// Makes blocking reads and sends on `fd` give up after `seconds`.
    static func setTimeouts(_ fd: Int32, seconds: Int) {
        Socket.setTimeout(fd, SO_RCVTIMEO, milliseconds: Int64(seconds) * 1000)
        Socket.setTimeout(fd, SO_SNDTIMEO, milliseconds: Int64(seconds) * 1000)
    }
}
