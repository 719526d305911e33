import Glibc
import GobProtocol
import GobSystem
import Logging

/// The listening socket and the locked PID file of a daemon, and the identity of its
/// socket file, so that a deleted or replaced one is noticed.
struct Endpoint: Sendable {
    var listenFD: Int32
    var pidFD: Int32
    var socketInode: FileIdentity?
}

extension Daemon {
    /// What a look at the runtime files found.
    enum RepairOutcome: Equatable {
        /// Socket, PID file and directory are the daemon's own.
        case intact
        /// Something was missing and has been made again.
        case repaired
        /// `<rt>` cannot be used as it is (a symlink, another user's, writable by others):
        /// the daemon keeps serving its jobs on what it holds and looks again later.
        case unusable(String)
        /// Another daemon holds the runtime directory now.
        case lost
    }

    /// How often the guard looks again while `<rt>` is unusable, or without inotify.
    static let guardPollMilliseconds: Int32 = 2_000
    /// How long `<state>` must be quiet after a removal before the guard looks at it.
    static let stateQuietNanoseconds: Int64 = 200_000_000

    /// Watches `<rt>` so that a daemon whose socket, PID file or whole runtime directory
    /// was deleted under it — or whose directory's filesystem was unmounted and mounted
    /// again, as logind does at logout — makes them again instead of running on
    /// unreachable with its jobs. If meanwhile another daemon took the place, this one
    /// shuts down (stopping its jobs) rather than leave them orphaned.
    ///
    /// It sleeps until something happens: inotify on the directory it holds (deletions,
    /// moves, its own removal and `IN_UNMOUNT`) and the kernel's mount-table notice on
    /// `/proc/self/mountinfo` (a mount over a parent moves `<rt>` without touching the
    /// directory itself). It polls every 2 s only while the directory is unusable, or
    /// when inotify could not be had.
    ///
    /// The watches are set here, on the caller's thread, before the daemon serves: a
    /// removal right after start-up is seen even when the machine is too busy to run the
    /// new thread for a while, and every descriptor the guard keeps is open once the
    /// daemon answers.
    func startGuard() -> Bool {
        let notify = InotifyInstances.make()
        if notify < 0 { logger.warning("Watching \(paths.directory) by polling: inotify: \(SystemError.last)") }
        let mounts = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)
        watchDirectory(notify)
        // The state directory's removal is repaired without waiting for the next start (a
        // daemon killed meanwhile would take its jobs with it), once the directory has
        // been quiet for a moment: a repair in the middle of `rm -rf` would make it fail.
        let stateWatch = notify >= 0 ? state.watch(with: notify, mask: UInt32(IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF)) : -1
        let started = DetachedThread.start { [self] in
            guardLoop(notify: notify, mounts: mounts, stateWatch: stateWatch)
            closeGuard(notify: notify, mounts: mounts)
        }
        if !started { closeGuard(notify: notify, mounts: mounts) }
        return started
    }

    private func closeGuard(notify: Int32, mounts: Int32) {
        if notify >= 0 { InotifyInstances.close(notify) }
        if mounts >= 0 { Descriptor.close(mounts) }
    }

    private func guardLoop(notify: Int32, mounts: Int32, stateWatch: Int32) {
        var stateCheck: Int64?
        var buffer = [UInt8](repeating: 0, count: 8192)
        var problem: String?
        while !isShuttingDown {
            var pollers: [pollfd] = []
            if notify >= 0 { pollers.append(pollfd(fd: notify, events: Int16(POLLIN), revents: 0)) }
            if mounts >= 0 { pollers.append(pollfd(fd: mounts, events: Int16(POLLPRI), revents: 0)) }
            var timeout = problem != nil || notify < 0 ? Self.guardPollMilliseconds : -1
            if let stateCheck {
                let left = Int32(clamping: max(0, stateCheck - MonotonicClock.now()) / 1_000_000 + 1)
                timeout = timeout < 0 ? left : min(timeout, left)
            }
            let ready = poll(&pollers, nfds_t(pollers.count), timeout)
            if ready < 0 && errno != EINTR { return }
            if isShuttingDown { return }
            var relevant = (ready == 0 && stateCheck == nil) || problem != nil
            var stateTouched = false
            if notify >= 0 {
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(notify, $0.baseAddress, $0.count) }
                    if count <= 0 { break }
                    // Most events are job logs being removed: nothing to do.
                    let touched = Self.touched(buffer[0..<count], stateWatch: stateWatch)
                    if touched.runtime { relevant = true }
                    if touched.state { stateTouched = true }
                }
            }
            if stateTouched { stateCheck = MonotonicClock.now() + Self.stateQuietNanoseconds }
            if let due = stateCheck, MonotonicClock.now() >= due {
                stateCheck = nil
                if !supervisor.stateIsInPlace { _ = stateLost() }
            }
            if mounts >= 0, pollers.last?.revents ?? 0 != 0 {
                // Re-arms the notice: it fires again only after the file was read anew.
                _ = lseek(mounts, 0, SEEK_SET)
                while buffer.withUnsafeMutableBytes({ read(mounts, $0.baseAddress, $0.count) }) > 0 {}
                relevant = true
            }
            guard relevant else { continue }
            switch repairIfNeeded() {
            case .intact:
                problem = nil
            case .repaired:
                problem = nil
                watchDirectory(notify)
            case let .unusable(message):
                if problem != message {
                    logger.error("Cannot recreate runtime files: \(message); still serving the jobs, looking again every 2 s")
                }
                problem = message
            case .lost:
                requestShutdown("Lost the runtime directory to another daemon")
                return
            }
        }
    }

    /// Watches the directory the daemon holds (through its descriptor, so never a
    /// directory put in its place). A watch of a directory that was replaced simply
    /// stops reporting; none is ever removed here, since that queues an event of its own.
    private func watchDirectory(_ notify: Int32) {
        guard notify >= 0 else { return }
        let mask = UInt32(IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)
        directory.withDescriptor { fd in
            _ = inotify_add_watch(notify, "/proc/self/fd/\(fd)", mask)
        }
    }

    /// What a batch of inotify events touches: the socket, the PID file or `<rt>` itself
    /// (removed, moved, unmounted); and anything watched through `stateWatch` (a file or
    /// directory of `<state>`, or `<state>` itself, removed or moved).
    private static func touched(_ bytes: ArraySlice<UInt8>, stateWatch: Int32) -> (runtime: Bool, state: Bool) {
        var touched = (runtime: false, state: false)
        var offset = bytes.startIndex
        let header = MemoryLayout<inotify_event>.size
        while offset + header <= bytes.endIndex {
            let event = bytes[offset..<(offset + header)].withUnsafeBytes { $0.loadUnaligned(as: inotify_event.self) }
            let nameStart = offset + header
            let nameEnd = min(nameStart + Int(event.len), bytes.endIndex)
            offset = nameEnd
            if event.wd == stateWatch {
                touched.state = true
                continue
            }
            let name = String(decoding: bytes[nameStart..<nameEnd].prefix { $0 != 0 }, as: UTF8.self)
            if event.mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT) != 0 || name == "daemon.sock" || name == "daemon.pid" {
                touched.runtime = true
            }
        }
        return touched
    }

    private var isShuttingDown: Bool {
        shutdownRequest.withLock { $0.map { !$0.onlyIfNoJobs } ?? false }
    }

    /// Makes the runtime directory, PID file and socket exist again if any went missing,
    /// or was hidden by a mount.
    func repairIfNeeded() -> RepairOutcome {
        // A shutdown removes the socket itself: never make it again then.
        if isShuttingDown { return .intact }
        let current = endpoint.withLock { $0 }
        let directoryCurrent = directory.isCurrent
        if directoryCurrent {
            let socketIntact = current.socketInode != nil && directory.identity(of: "daemon.sock") == current.socketInode
            let pidIntact = directory.identity(of: "daemon.pid") == FileIdentity(descriptor: current.pidFD)
            if socketIntact && pidIntact { return .intact }
        }
        if directoryCurrent {
            logger.warning("Runtime files were removed under the daemon; recreating them in \(paths.directory)")
        } else {
            logger.warning("The runtime directory \(paths.directory) was removed, replaced or unmounted; recreating it")
            do {
                if let mode = try directory.reopen() {
                    logger.info("Made runtime directory \(paths.directory) private (mode \(String(mode, radix: 8)) → 700)")
                }
            } catch {
                return .unusable(error.description)
            }
            logFile.reopen()
        }
        do throws(DaemonStartError) {
            // Our lock on an intact PID file stands; a new file must be locked anew (and a
            // daemon that locked it first has taken over).
            let pidIntact = directory.identity(of: "daemon.pid") == FileIdentity(descriptor: current.pidFD)
            let pidFD = pidIntact ? current.pidFD : try Self.lockPIDFile(directory)
            try Self.refuseServedSocket(directory, logger: logger)
            let listenFD = try Self.listen(in: directory)
            try Self.writePID(pidFD)
            guard server.start(listening: listenFD) else {
                Descriptor.close(listenFD)
                return .lost
            }
            // Looked up before the lock: it guards which endpoint is current, never a call.
            let socketInode = directory.identity(of: "daemon.sock")
            endpoint.withLock { $0 = Endpoint(listenFD: listenFD, pidFD: pidFD, socketInode: socketInode) }
            Socket.shutdown(current.listenFD)
            Descriptor.close(current.listenFD)
            if pidFD != current.pidFD { Descriptor.close(current.pidFD) }
            if !directoryCurrent { supervisor.runtimeDirectoryRecreated() }
            logger.info("Daemon listening again on \(paths.socket)")
            return .repaired
        } catch {
            logger.error("Cannot recreate runtime files: \(error)")
            return .lost
        }
    }
}
