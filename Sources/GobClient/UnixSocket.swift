import Glibc
import CGobShims
import GobProtocol
import GobSystem

/// A connected Unix stream socket owned by the client: connect, check who serves it, write
/// everything, read one line. Raw POSIX calls (through GobSystem) keep the client's
/// start-up short (docs/performance.md).
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
        let address: UnixSocketAddress
        do { address = try UnixSocketAddress(path: path) } catch {
            let length = path.utf8.count
            throw ConnectError(
                code: nil,
                description: "socket path too long (\(length) bytes, at most \(UnixSocketAddress.maximumPathBytes)): \(path)")
        }
        let fd: Int32
        do { fd = try Socket.stream() } catch {
            throw ConnectError(code: error.code, description: "socket: \(error)")
        }
        Self.setTimeout(fd, milliseconds: timeoutMilliseconds)
        do { try Socket.connect(fd, to: address) } catch {
            Descriptor.close(fd)
            throw ConnectError(code: error.code, description: "dial unix \(path): connect: \(error)")
        }
        var uid: uid_t = 0
        var pid: pid_t = 0
        let rc = gob_peer_credentials(fd, &uid, &pid)
        guard rc == 0, uid == getuid() else {
            Descriptor.close(fd)
            let who = rc == 0 ? "a process of uid \(uid)" : "a process whose user cannot be told (\(SystemError(rc)))"
            throw ConnectError(
                code: nil,
                description: "refusing \(path): it is served by \(who), not by you (uid \(getuid())); someone else may have planted it",
                isForeign: true)
        }
        self.fd = fd
        peerPID = pid
    }

    deinit { Descriptor.close(fd) }

    /// Sets both timeouts of the connection; at least 1 ms (0 would mean none).
    func setTimeout(milliseconds: Int64) {
        Self.setTimeout(fd, milliseconds: milliseconds)
    }

    private static func setTimeout(_ fd: Int32, milliseconds: Int64) {
        Socket.setTimeout(fd, SO_RCVTIMEO, milliseconds: milliseconds)
        Socket.setTimeout(fd, SO_SNDTIMEO, milliseconds: milliseconds)
    }

    /// Writes all of `bytes`, retrying short writes and interruptions; the send timeout
    /// surfaces as `EAGAIN`.
    func writeAll(_ bytes: [UInt8]) throws(SystemError) {
        try Descriptor.writeAll(fd, bytes, to: .socket)
    }

    /// Reads until a line feed or the end of the stream, returning the bytes before the
    /// line feed. Throws on read errors and when the line grows past `limit`. When the
    /// receive timeout passes, `whenSilent` says how many milliseconds more to wait
    /// (nil, or no `whenSilent`: the timeout is thrown, as `EAGAIN`).
    func readLine(limit: Int, whenSilent: (() -> Int64?)? = nil) throws(SystemError) -> ReplyLine {
        let line = ReplyLine()
        while true {
            let received = line.read(from: fd, chunk: 65_536)
            if received < 0 {
                if errno == EINTR { continue }
                let error = SystemError.last
                if Self.waitsLonger(fd, after: error, whenSilent) { continue }
                throw error
            }
            if received == 0 || line.keep(received) { return line }
            if line.count > limit { throw SystemError(EMSGSIZE) }
        }
    }
}

extension UnixSocket {
    /// Writes the `total` bytes the daemon sends after `line` to `output`
    /// (`ReplyLine.relay`); returns how many came.
    func relay(after line: ReplyLine, total: Int, to output: Int32, whenSilent: (() -> Int64?)? = nil) throws(SystemError) -> Int {
        try line.relay(from: fd, to: output, total: total) { error in Self.waitsLonger(fd, after: error, whenSilent) }
    }

    /// Whether `error`, from a read of `fd`, is its receive timeout and `whenSilent` gives
    /// more time; the timeout is then set to that time.
    static func waitsLonger(_ fd: Int32, after error: SystemError, _ whenSilent: (() -> Int64?)?) -> Bool {
        guard error.code == EAGAIN || error.code == EWOULDBLOCK, let milliseconds = whenSilent?() else { return false }
        Socket.setTimeout(fd, SO_RCVTIMEO, milliseconds: milliseconds)
        return true
    }

    /// Hands the descriptor over to the caller, who closes it from then on.
    consuming func takeDescriptor() -> Int32 {
        let descriptor = fd
        discard self
        return descriptor
    }
}
