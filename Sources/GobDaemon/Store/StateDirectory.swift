import CGobShims
import Glibc
import GobProtocol
import GobSystem

/// The daemon's handle on `<state>` (see `StatePaths`): descriptors of the directory and
/// of its `logs/`, checked once, through which every log file is opened and removed, and
/// the lock that makes the daemon the only one using the database.
///
/// The directory follows the runtime directory's rule: created 0700, a real directory
/// owned by the user that no one else can write to; one others may read is made private,
/// since job output can hold secrets.
public final class StateDirectory: Sendable {
    public let paths: StatePaths
    private let directoryFD: Int32
    private let logsFD: Int32
    private let lockFD: Int32

    /// The permission bits `<state>` had when it was made private.
    public let tightenedFrom: mode_t?

    private init(paths: StatePaths, directoryFD: Int32, logsFD: Int32, lockFD: Int32, tightenedFrom: mode_t?) {
        self.paths = paths
        self.directoryFD = directoryFD
        self.logsFD = logsFD
        self.lockFD = lockFD
        self.tightenedFrom = tightenedFrom
    }

    deinit {
        _ = close(logsFD)
        _ = close(lockFD)
        _ = close(directoryFD)
    }

    /// Creates (when missing) and checks `<state>` and `<state>/logs`, and takes the lock;
    /// refuses when another daemon holds it. `inheritedLock`: the lock's descriptor as
    /// the previous image of this daemon held it (an in-place restart), used when it is
    /// this directory's `state.lock`, so the lock is never let go in between. It is taken
    /// over on every path: used, or closed.
    public static func open(_ paths: StatePaths, inheritedLock: Int32? = nil) throws(RuntimeDirectoryError) -> StateDirectory {
        let directory = PrivateDirectory(path: paths.directory, noun: "state directory", variable: "XDG_STATE_HOME")
        let opened: RuntimePaths.OpenedDirectory?
        do { opened = try directory.open(create: true, tighten: true) } catch {
            if let inheritedLock { _ = close(inheritedLock) }
            throw error
        }
        guard let opened else {
            if let inheritedLock { _ = close(inheritedLock) }
            throw RuntimeDirectoryError("cannot create state directory \(paths.directory)")
        }
        let fd = opened.descriptor
        var lockFD = openat(fd, "state.lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if let inheritedLock {
            if lockFD >= 0, let held = FileIdentity(descriptor: inheritedLock), FileIdentity(descriptor: lockFD) == held {
                // Ours already: a lock taken through a new descriptor would conflict with it.
                _ = close(lockFD)
                lockFD = inheritedLock
            } else {
                _ = close(inheritedLock)
            }
        }
        guard lockFD >= 0 else {
            let error = SystemError.last
            _ = close(fd)
            throw RuntimeDirectoryError("cannot open \(paths.lockFile): \(error)")
        }
        // A daemon shutting down holds it a moment longer: wait up to 3 s for it.
        let deadline = MonotonicClock.now() + MonotonicClock.seconds(3)
        var locked = flock(lockFD, LOCK_EX | LOCK_NB) == 0
        while !locked && (errno == EWOULDBLOCK || errno == EINTR) && MonotonicClock.now() < deadline {
            usleep(10_000)
            locked = flock(lockFD, LOCK_EX | LOCK_NB) == 0
        }
        guard locked else {
            let holder = String(decoding: Descriptor.readAll(lockFD, limit: 32), as: UTF8.self)
            _ = close(lockFD)
            _ = close(fd)
            throw RuntimeDirectoryError(
                "another gob daemon (PID \(holder.isEmpty ? "unknown" : holder)) uses the state directory "
                    + "\(paths.directory), and only one at a time can: stop it, or give this one another XDG_STATE_HOME")
        }
        let pid = Array("\(getpid())".utf8)
        _ = ftruncate(lockFD, 0)
        _ = pid.withUnsafeBytes { pwrite(lockFD, $0.baseAddress, $0.count, 0) }
        if mkdirat(fd, "logs", 0o700) != 0 && errno != EEXIST {
            let error = SystemError.last
            _ = close(lockFD)
            _ = close(fd)
            throw RuntimeDirectoryError("cannot create \(paths.logs): \(error)")
        }
        let logsFD = openat(fd, "logs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        var info = stat()
        guard logsFD >= 0, fstat(logsFD, &info) == 0, info.st_uid == getuid(), info.st_mode & 0o022 == 0 else {
            let error = logsFD < 0 ? SystemError.last.description : "not a private directory of yours"
            if logsFD >= 0 { _ = close(logsFD) }
            _ = close(lockFD)
            _ = close(fd)
            throw RuntimeDirectoryError("cannot use \(paths.logs): \(error)")
        }
        return StateDirectory(
            paths: paths, directoryFD: fd, logsFD: logsFD, lockFD: lockFD, tightenedFrom: opened.tightenedFrom)
    }

    /// Lets another daemon have the database: the daemon's last act, once it wrote what
    /// it had to.
    public func unlock() {
        _ = flock(lockFD, LOCK_UN)
    }

    /// The descriptor holding the lock, which an in-place restart hands to the new image.
    var lockDescriptor: Int32 { lockFD }

    /// Whether `<state>/logs` is still the directory the daemon writes logs in (it was
    /// not removed or replaced).
    public var logsAreInPlace: Bool {
        guard let held = FileIdentity(descriptor: logsFD) else { return true }
        return FileIdentity(path: paths.logs) == held
    }

    /// Watches `<state>` itself, through its descriptor, with `inotify` instance `notify`;
    /// the watch descriptor, or -1.
    public func watch(with notify: Int32, mask: UInt32) -> Int32 {
        inotify_add_watch(notify, "/proc/self/fd/\(directoryFD)", mask)
    }

    /// Opens the log file `name` in `logs/`, never following a symlink; `O_CLOEXEC` is
    /// always added.
    public func openLog(_ name: String, flags: Int32, mode: mode_t = 0o600) throws(SystemError) -> Int32 {
        let fd = openat(logsFD, name, flags | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SystemError.last }
        return fd
    }

    /// Creates the empty file `name` in `logs/` (failing when anything has that name) and
    /// closes it; false when it could not be made.
    public func createEmptyLog(_ name: String, mode: mode_t) -> Bool {
        let fd = openat(logsFD, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { return false }
        _ = Glibc.close(fd)
        return true
    }

    /// Renames the log file `name` to `newName` unless something has that name: 0, or the
    /// errno (`EEXIST` when something has it, `EINVAL` where the file system cannot refuse
    /// to replace).
    public func renameLogKeepingExisting(_ name: String, to newName: String) -> Int32 {
        gob_rename_noreplace(logsFD, name, newName)
    }

    /// Removes the log file `name`; true when it existed.
    @discardableResult
    public func removeLog(_ name: String) -> Bool {
        unlinkat(logsFD, name, 0) == 0
    }

    /// Whether the log file `name` exists.
    public func hasLog(_ name: String) -> Bool {
        var info = stat()
        return fstatat(logsFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// `fstatat` of the log file `name`, not following a symlink; false when it failed.
    public func statLog(_ name: String, _ info: inout stat) -> Bool {
        fstatat(logsFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// The names of the files in `logs/`.
    public func logNames() -> [String] {
        DirectoryListing.names(in: logsFD)
    }
}

/// Reading a directory's entries through a descriptor of it.
enum DirectoryListing {
    /// The names in the directory open as `fd` (`.` and `..` left out); the descriptor
    /// stays open and usable.
    static func names(in fd: Int32) -> [String] {
        // fdopendir takes the descriptor over: give it a copy.
        let copy = dup(fd)
        guard copy >= 0 else { return [] }
        guard let stream = fdopendir(copy) else {
            _ = close(copy)
            return []
        }
        defer { closedir(stream) }
        // A copy shares the offset: start from the beginning whoever read before.
        rewinddir(stream)
        var names: [String] = []
        while let item = readdir(stream) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
