import Glibc
import GobProtocol
import GobSystem
import Synchronization

/// The daemon's handle on `<rt>`: a descriptor of the directory it checked, through which
/// every runtime file is opened and removed, so that a path another user or a swapped
/// symlink could redirect is never followed after start-up.
///
/// The descriptor is replaced when the directory is recreated (deleted, or its filesystem
/// unmounted and mounted again); users ask for it at each operation. The lock guards only
/// which descriptor is current, never a system call: opening a log that someone replaced
/// by a FIFO blocks that one open, not every other file operation of the daemon.
public final class RuntimeDirectory: Sendable {
    /// One open descriptor of the directory, closed when the last operation using it has
    /// let it go (after a `reopen` replaced it).
    private final class Descriptor: Sendable {
        let fd: Int32
        init(_ fd: Int32) { self.fd = fd }
        deinit { GobSystem.Descriptor.close(fd) }
    }

    public let paths: RuntimePaths
    private let descriptor: Mutex<Descriptor>

    /// The current descriptor, kept open for as long as the caller holds it.
    private var current: Descriptor { descriptor.withLock { $0 } }

    /// Opens `paths.directory`, which must be a real directory (not a symlink); no owner
    /// or mode check (tests, tools). The daemon uses `checked(_:)`.
    public init(paths: RuntimePaths) throws(SystemError) {
        self.paths = paths
        let fd = Glibc.open(paths.directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError.last }
        descriptor = Mutex(Descriptor(fd))
    }

    /// A directory handle over an already open descriptor (tests, and a daemon that
    /// inherited it); the object owns it from then on.
    public init(paths: RuntimePaths, descriptor fd: Int32) {
        self.paths = paths
        descriptor = Mutex(Descriptor(fd))
    }

    /// Creates `<rt>` when missing and opens it, refusing a symlink, a directory of
    /// another user or one others can write to; one that others can only read or enter
    /// is made private. Also returns the mode it had when it was tightened, to be logged.
    public static func checked(_ paths: RuntimePaths) throws(RuntimeDirectoryError) -> (RuntimeDirectory, tightenedFrom: mode_t?) {
        guard let opened = try paths.openDirectory(create: true, tighten: true) else {
            throw RuntimeDirectoryError("cannot create runtime directory \(paths.directory)")
        }
        return (RuntimeDirectory(paths: paths, descriptor: opened.descriptor), opened.tightenedFrom)
    }

    /// Runs `body` with the current descriptor of the directory, which stays open (and
    /// current) until `body` returns: for `*at` calls this type does not wrap.
    public func withDescriptor<T, E: Error>(_ body: (Int32) throws(E) -> T) throws(E) -> T {
        let directory = current
        return try withExtendedLifetime(directory) { () throws(E) -> T in try body(directory.fd) }
    }

    /// Opens `name` (a plain file name in `<rt>`) relative to the directory, never
    /// following a symlink; `O_CLOEXEC` is always added.
    public func open(_ name: String, flags: Int32, mode: mode_t = 0o600) throws(SystemError) -> Int32 {
        let directory = current
        let fd = withExtendedLifetime(directory) { openat(directory.fd, name, flags | O_NOFOLLOW | O_CLOEXEC, mode) }
        guard fd >= 0 else { throw SystemError.last }
        return fd
    }

    /// Removes `name` from the directory; ENOENT counts as done.
    public func remove(_ name: String) throws(SystemError) {
        let directory = current
        let rc = withExtendedLifetime(directory) { unlinkat(directory.fd, name, 0) }
        if rc != 0 && errno != ENOENT { throw SystemError.last }
    }

    /// Renames `from` to `to` within the directory, replacing what `to` names at once.
    public func rename(_ from: String, to: String) throws(SystemError) {
        let directory = current
        let rc = withExtendedLifetime(directory) { renameat(directory.fd, from, directory.fd, to) }
        if rc != 0 { throw SystemError.last }
    }

    /// Device and inode of `name` in the directory (a symlink itself, never its target);
    /// nil when there is no such file.
    func identity(of name: String) -> FileIdentity? {
        let directory = current
        return withExtendedLifetime(directory) { FileIdentity(name: name, inDirectory: directory.fd) }
    }

    /// Whether `<rt>`'s path still names the directory this descriptor is open on: false
    /// once it was deleted, moved, replaced (by a symlink, say) or hidden by a mount.
    var isCurrent: Bool {
        guard let named = FileIdentity(path: paths.directory) else { return false }
        let directory = current
        return withExtendedLifetime(directory) { FileIdentity(descriptor: directory.fd) } == named
    }

    /// Opens `<rt>` again by its path (after it was recreated, or its filesystem mounted
    /// anew), with the checks of `checked(_:)`, and uses the new descriptor from then on.
    /// Returns the mode the directory had when it was tightened.
    @discardableResult
    public func reopen() throws(RuntimeDirectoryError) -> mode_t? {
        guard let fresh = try paths.openDirectory(create: true, tighten: true) else {
            throw RuntimeDirectoryError("cannot create runtime directory \(paths.directory)")
        }
        // The old descriptor closes once no operation still uses it.
        descriptor.withLock { $0 = Descriptor(fresh.descriptor) }
        return fresh.tightenedFrom
    }
}
