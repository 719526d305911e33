import Glibc

/// Unix stream sockets, the way gob's daemon, client, benchmark and tests all use them:
/// close-on-exec from birth, connected or bound by path, with timeouts.
public enum Socket {
    /// A new Unix stream socket, close-on-exec.
    public static func stream() throws(SystemError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError.last }
        return fd
    }

    /// Connects `fd` to `address`.
    public static func connect(_ fd: Int32, to address: UnixSocketAddress) throws(SystemError) {
        let rc = address.withSockaddr { Glibc.connect(fd, $0, $1) }
        guard rc == 0 else { throw SystemError.last }
    }

    /// Binds `fd` to `address` (which creates the socket file).
    public static func bind(_ fd: Int32, to address: UnixSocketAddress) throws(SystemError) {
        let rc = address.withSockaddr { Glibc.bind(fd, $0, $1) }
        guard rc == 0 else { throw SystemError.last }
    }

    /// A new socket connected to `path`; closed again when the connection fails. A send
    /// timeout given here also bounds the `connect` itself.
    public static func connected(
        to path: String, sendTimeoutMilliseconds: Int64? = nil, receiveTimeoutMilliseconds: Int64? = nil
    ) throws(SystemError) -> Int32 {
        let address = try UnixSocketAddress(path: path)
        let fd = try stream()
        if let sendTimeoutMilliseconds { setTimeout(fd, SO_SNDTIMEO, milliseconds: sendTimeoutMilliseconds) }
        if let receiveTimeoutMilliseconds { setTimeout(fd, SO_RCVTIMEO, milliseconds: receiveTimeoutMilliseconds) }
        do { try connect(fd, to: address) } catch {
            Descriptor.close(fd)
            throw error
        }
        return fd
    }

    /// Sets the send (`SO_SNDTIMEO`) or receive (`SO_RCVTIMEO`) timeout of `fd`; at
    /// least 1 ms, since 0 would mean none.
    public static func setTimeout(_ fd: Int32, _ option: Int32, milliseconds: Int64) {
        let bounded = max(1, milliseconds)
        var timeout = timeval(tv_sec: .init(bounded / 1000), tv_usec: .init((bounded % 1000) * 1000))
        _ = setsockopt(fd, SOL_SOCKET, option, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// `shutdown(2)` both ways, waking a thread blocked in `accept` or `recv` on it.
    public static func shutdown(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }
}
