import Glibc

/// A Unix-domain socket address (`sockaddr_un`) for a path: what the daemon binds and
/// every client connects to.
public struct UnixSocketAddress {
    private var storage = sockaddr_un()

    /// The longest path an address can hold, in bytes (the kernel wants a NUL after it).
    public static var maximumPathBytes: Int { MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1 }

    /// The address of `path`; `ENAMETOOLONG` when it does not fit. The daemon's own
    /// addresses go through `/proc/self/fd/<n>/`, which is short whatever `<rt>` is.
    public init(path: String) throws(SystemError) {
        let bytes = Array(path.utf8)
        guard bytes.count <= Self.maximumPathBytes else { throw SystemError(ENAMETOOLONG) }
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
    }

    /// Calls `body` with the address as the generic `sockaddr` that `bind` and `connect`
    /// take, and its length.
    public func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }
}
