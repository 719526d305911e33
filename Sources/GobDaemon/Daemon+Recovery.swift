#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol
import Logging

/// The listening socket and the locked PID file of a daemon, and the identity of its
/// socket file, so that a deleted or replaced one is noticed.
struct Endpoint: Sendable {
    var listenFD: Int32
    var pidFD: Int32
    var socketInode: FileIdentity?
}

/// Device and inode of a file: which file a path names right now.
struct FileIdentity: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
}

/// The identity of the file at `path` (not following a final symlink), if there is one.
func fileIdentity(_ path: String) -> FileIdentity? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
}

extension Daemon {
    /// Watches `<rt>` so that a daemon whose socket, PID file or whole runtime directory
    /// was deleted under it makes them again instead of running on unreachable with its
    /// jobs. If meanwhile another daemon took the place, this one shuts down (stopping its
    /// jobs) rather than leave them orphaned. inotify on Linux; polling elsewhere, or
    /// when no inotify instance is left.
    func startGuard() -> Bool {
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        if fd >= 0 { return DetachedThread.start { [self] in guardLoop(fd) } }
        // Out of inotify instances (a per-user limit, 128 by default): look every 2 s.
        logger.warning("Watching \(paths.directory) by polling: inotify: \(SystemError.last)")
        #endif
        return DetachedThread.start { [self] in pollingGuardLoop() }
    }

    /// The guard without inotify: two cheap `stat`s every 2 s.
    private func pollingGuardLoop() {
        while true {
            let stop = shutdownReason.wait(until: MonotonicClock.now() + MonotonicClock.seconds(2)) { $0 != nil ? true : nil }
            if stop == true { return }
            if !repairIfNeeded() {
                requestShutdown("Lost the runtime directory to another daemon")
                return
            }
        }
    }

    #if os(Linux)
    private func guardLoop(_ fd: Int32) {
        let mask = UInt32(IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF)
        _ = inotify_add_watch(fd, paths.directory, mask)
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 || isShuttingDown { return }
            let (relevant, directoryGone) = Self.inspect(buffer[0..<count])
            // Most events are job logs being removed: nothing to do.
            guard relevant else { continue }
            guard repairIfNeeded() else {
                requestShutdown("Lost the runtime directory to another daemon")
                return
            }
            // A new directory needs a new watch. Never remove a watch here: that queues an
            // IN_IGNORED event of its own, and reacting to it would spin.
            if directoryGone { _ = inotify_add_watch(fd, paths.directory, mask) }
        }
    }

    /// Whether a batch of inotify events touches the socket, the PID file or the directory
    /// itself, and whether the directory is gone.
    private static func inspect(_ bytes: ArraySlice<UInt8>) -> (relevant: Bool, directoryGone: Bool) {
        var relevant = false
        var directoryGone = false
        var offset = bytes.startIndex
        let header = MemoryLayout<inotify_event>.size
        while offset + header <= bytes.endIndex {
            let event = bytes[offset..<(offset + header)].withUnsafeBytes { $0.loadUnaligned(as: inotify_event.self) }
            let nameStart = offset + header
            let nameEnd = min(nameStart + Int(event.len), bytes.endIndex)
            let name = String(decoding: bytes[nameStart..<nameEnd].prefix { $0 != 0 }, as: UTF8.self)
            if event.mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0 {
                relevant = true
                directoryGone = true
            } else if name == "daemon.sock" || name == "daemon.pid" {
                relevant = true
            }
            offset = nameEnd
        }
        return (relevant, directoryGone)
    }
    #endif

    private var isShuttingDown: Bool { shutdownReason.withLock { $0 != nil } }

    /// Makes the runtime directory, PID file and socket exist again if any went missing.
    /// False when another daemon holds them now.
    func repairIfNeeded() -> Bool {
        let current = endpoint.withLock { $0 }
        let socketIntact = current.socketInode != nil && fileIdentity(paths.socket) == current.socketInode
        var pidInfo = stat()
        var lockedInfo = stat()
        let pidIntact = stat(paths.pidFile, &pidInfo) == 0 && fstat(current.pidFD, &lockedInfo) == 0
            && pidInfo.st_ino == lockedInfo.st_ino && pidInfo.st_dev == lockedInfo.st_dev
        if socketIntact && pidIntact { return true }

        logger.warning("Runtime files were removed under the daemon; recreating \(paths.directory)")
        do {
            try paths.ensureDirectory()
            // Our lock on an intact PID file stands; a new file must be locked anew (and a
            // daemon that locked it first has taken over).
            let pidFD = pidIntact ? current.pidFD : try Self.lockPIDFile(paths)
            try Self.removeStaleSocket(paths, logger: logger)
            let listenFD = try Self.listen(on: paths.socket)
            try Self.writePID(pidFD, paths: paths)
            guard server.start(listening: listenFD) else {
                closeDescriptor(listenFD)
                return false
            }
            endpoint.withLock {
                $0 = Endpoint(listenFD: listenFD, pidFD: pidFD, socketInode: fileIdentity(paths.socket))
            }
            shutdownSocket(current.listenFD)
            closeDescriptor(current.listenFD)
            if pidFD != current.pidFD { closeDescriptor(current.pidFD) }
            logger.info("Daemon listening again on \(paths.socket)")
            // The live-groups record went with the old directory: write it again.
            supervisor.rewriteRecord()
            return true
        } catch {
            logger.error("Cannot recreate runtime files: \(error)")
            return false
        }
    }
}
