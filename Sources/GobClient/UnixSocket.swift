#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CGobShims
import GobProtocol

/// A connected Unix stream socket owned by the client: connect, check who serves it, write
/// everything, read one line. Raw POSIX calls keep the client's start-up short (style.md).
struct UnixSocket: ~Copyable {
    /// Why a socket could not be connected; `code` is the errno when there is one.
    struct ConnectError: Error {
        let code: Int32?
        let description: String
        /// The socket is served by another user: never send it anything, never start a
        /// daemon in its place.
        var isForeign = false
    }

    private let fd: Int32
    /// The process serving the socket, as the kernel reported it at connect (0: unknown).
    let peerPID: pid_t

    /// Connects to the socket at `path`, with send and receive timeouts of
    /// `timeoutMilliseconds` (the send timeout also bounds `connect` itself), and checks
    /// with `SO_PEERCRED` that the process at the other end runs as this user. A socket
    /// another user planted never receives a byte.
    init(connectingTo path: String, timeoutMilliseconds: Int64) throws(ConnectError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < capacity else {
            throw ConnectError(code: nil, description: "socket path too long (\(pathBytes.count) bytes, at most \(capacity - 1)): \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else {
            throw ConnectError(code: errno, description: "socket: \(SystemError.last)")
        }
        Self.setTimeout(fd, milliseconds: timeoutMilliseconds)
        #if canImport(Darwin)
        var on: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw ConnectError(code: code, description: "dial unix \(path): connect: \(SystemError(code))")
        }
        var uid: uid_t = 0
        var pid: pid_t = 0
        let rc = gob_peer_credentials(fd, &uid, &pid)
        guard rc == 0, uid == getuid() else {
            close(fd)
            let who = rc == 0 ? "a process of uid \(uid)" : "a process whose user cannot be told (\(SystemError(rc)))"
            throw ConnectError(
                code: nil,
                description: "refusing \(path): it is served by \(who), not by you (uid \(getuid())); someone else may have planted it",
                isForeign: true)
        }
        self.fd = fd
        peerPID = pid
    }

    deinit { close(fd) }

    /// Sets both timeouts of the connection; at least 1 ms (0 would mean none).
    func setTimeout(milliseconds: Int64) {
        Self.setTimeout(fd, milliseconds: milliseconds)
    }

    private static func setTimeout(_ fd: Int32, milliseconds: Int64) {
        let bounded = max(1, milliseconds)
        var timeout = timeval(tv_sec: .init(bounded / 1000), tv_usec: .init((bounded % 1000) * 1000))
        let timeoutSize = socklen_t(MemoryLayout<timeval>.size)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, timeoutSize)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, timeoutSize)
    }

    /// Writes all of `bytes`, retrying short writes and interruptions.
    func writeAll(_ bytes: [UInt8]) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { raw in
                #if canImport(Glibc)
                send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
                #else
                send(fd, raw.baseAddress, raw.count, 0)
                #endif
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw SystemError.last
            }
            offset += written
        }
    }

    /// Reads until a line feed or the end of the stream, returning the bytes before the
    /// line feed. Throws on read errors (including the receive timeout) and when the
    /// line grows past `limit`.
    func readLine(limit: Int) throws(SystemError) -> ReplyLine {
        let line = ReplyLine()
        while true {
            let received = line.read(from: fd, chunk: 65_536)
            if received < 0 {
                if errno == EINTR { continue }
                throw SystemError.last
            }
            if received == 0 || line.keep(received) { return line }
            if line.count > limit { throw SystemError(EMSGSIZE) }
        }
    }
}

extension UnixSocket {
    /// Hands the descriptor over to the caller, who closes it from then on.
    consuming func takeDescriptor() -> Int32 {
        let descriptor = fd
        discard self
        return descriptor
    }
}
