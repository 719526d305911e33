import Glibc
import GobProtocol
import Synchronization

/// The daemon's handle on `<rt>`: a descriptor of the directory it checked, through which
/// every runtime file is opened and removed, so that a path another user or a swapped
/// symlink could redirect is never followed after start-up.
///
/// The descriptor is replaced when the directory is recreated (deleted, or its filesystem
/// unmounted and mounted again); users ask for it at each operation.
public final class RuntimeDirectory: Sendable {
    public let paths: RuntimePaths
    private let descriptor: Mutex<Int32>

    /// Opens `paths.directory`, which must be a real directory (not a symlink).
    public init(paths: RuntimePaths) throws(SystemError) {
        self.paths = paths
        descriptor = Mutex(try Self.openDirectory(paths.directory))
    }

    /// A directory handle over an already open descriptor (tests, and a daemon that
    /// inherited it); the object owns it from then on.
    public init(paths: RuntimePaths, descriptor fd: Int32) {
        self.paths = paths
        descriptor = Mutex(fd)
    }

    deinit {
        descriptor.withLock { _ = close($0) }
    }

    /// Runs `body` with the current descriptor of the directory, which stays open (and
    /// current) until `body` returns: for `*at` calls this type does not wrap.
    public func withDescriptor<T, E: Error>(_ body: (Int32) throws(E) -> T) throws(E) -> T {
        try descriptor.withLock { fd throws(E) in try body(fd) }
    }

    /// Opens `name` (a plain file name in `<rt>`) relative to the directory, never
    /// following a symlink; `O_CLOEXEC` is always added.
    public func open(_ name: String, flags: Int32, mode: mode_t = 0o600) throws(SystemError) -> Int32 {
        let fd = descriptor.withLock { directory in
            openat(directory, name, flags | O_NOFOLLOW | O_CLOEXEC, mode)
        }
        guard fd >= 0 else { throw SystemError.last }
        return fd
    }

    /// Removes `name` from the directory; ENOENT counts as done.
    public func remove(_ name: String) throws(SystemError) {
        let rc = descriptor.withLock { unlinkat($0, name, 0) }
        if rc != 0 && errno != ENOENT { throw SystemError.last }
    }

    /// Opens the directory again by its path (after it was recreated) and uses the new
    /// descriptor from then on.
    public func reopen() throws(SystemError) {
        let fresh = try Self.openDirectory(paths.directory)
        let old = descriptor.withLock { current in
            defer { current = fresh }
            return current
        }
        _ = close(old)
    }

    private static func openDirectory(_ path: String) throws(SystemError) -> Int32 {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError.last }
        return fd
    }
}
