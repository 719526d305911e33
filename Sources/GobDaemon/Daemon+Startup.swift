import Glibc
import GobProtocol
import GobSystem
import Logging

extension Daemon {
    /// Locks `<rt>/daemon.pid` for the daemon's lifetime, so that a second daemon cannot run
    /// beside this one even when the socket file was deleted. A daemon that is shutting
    /// down holds it for a moment longer: wait up to 3 s for it.
    ///
    /// A lock taken on a file that is no longer the one named `daemon.pid` (the daemon
    /// that held it removed it while shutting down, and a third may already have made a
    /// new one) would let two daemons run: after `flock`, the descriptor must still be
    /// the file of that name, or it is opened and locked again.
    static func lockPIDFile(_ directory: RuntimeDirectory) throws(DaemonStartError) -> Int32 {
        let paths = directory.paths
        let deadline = MonotonicClock.now() + MonotonicClock.seconds(3)
        var replacements = 0
        while true {
            let fd: Int32
            do { fd = try directory.open("daemon.pid", flags: O_RDWR | O_CREAT, mode: 0o644) } catch {
                throw DaemonStartError("failed to write PID file: \(error)")
            }
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                guard errno == EWOULDBLOCK || errno == EINTR, MonotonicClock.now() < deadline else {
                    let holder = String(decoding: Descriptor.readAll(fd, limit: 32), as: UTF8.self)
                    Descriptor.close(fd)
                    if canConnect(directory) {
                        throw DaemonStartError(
                            "failed to cleanup stale socket: daemon already running (socket in use: \(paths.socket))",
                            anotherDaemon: true)
                    }
                    throw DaemonStartError(
                        "daemon already running (PID \(holder.isEmpty ? "unknown" : holder)) but not answering on \(paths.socket); stop it with: kill \(holder)",
                        anotherDaemon: true)
                }
                MonotonicClock.sleep(milliseconds: 10)
            }
            if let held = FileIdentity(descriptor: fd), directory.identity(of: "daemon.pid") == held {
                return fd
            }
            Descriptor.close(fd)
            // The lock came free because its holder went: the new file is worth a try even
            // if the wait took long (this daemon may have been stopped meanwhile).
            replacements += 1
            guard replacements < 100 else {
                throw DaemonStartError("failed to write PID file: \(paths.pidFile) keeps being replaced")
            }
        }
    }

    /// Writes the PID, without a newline.
    static func writePID(_ fd: Int32) throws(DaemonStartError) {
        guard ftruncate(fd, 0) == 0, pwrite(fd, "\(getpid())", "\(getpid())".utf8.count, 0) > 0 else {
            throw DaemonStartError("failed to write PID file: \(SystemError.last)")
        }
        _ = fchmod(fd, 0o644)
    }

    /// A live daemon on the socket is an error. Anything else there is stale, and is left
    /// in place until `listen` renames the new socket over it: the name never goes
    /// missing, so a client riding through a crash (which takes a missing socket for a
    /// daemon stopped on purpose) never sees it gone while the next daemon starts.
    static func refuseServedSocket(_ directory: RuntimeDirectory, logger: Logger) throws(DaemonStartError) {
        let paths = directory.paths
        guard directory.identity(of: "daemon.sock") != nil else { return }
        if canConnect(directory) {
            throw DaemonStartError(
                "failed to cleanup stale socket: daemon already running (socket in use: \(paths.socket))",
                anotherDaemon: true)
        }
        logger.info("Replacing stale socket: \(paths.socket)")
    }

    /// Ends what a daemon of an earlier gob version left after an unclean end: it kept
    /// its jobs' process groups in `<rt>/daemon.jobs` (this version keeps them in the
    /// store). Each process is checked by its start time, so a reused PID is never
    /// signalled. The file is removed.
    static func cleanUpAfterPredecessor(_ directory: RuntimeDirectory, logger: Logger) {
        let record = JobGroupRecord(directory: directory)
        let entries = record.read()
        if !entries.isEmpty {
            let survivors = JobGroupRecord.survivors(of: entries)
            logger.info("Previous daemon ended uncleanly: terminating \(survivors.count) leftover job process(es)")
            terminate(survivors)
        }
        record.remove()
    }

    /// Creates the listening socket `daemon.sock` in the directory, bound through the
    /// directory's descriptor (never through `<rt>`'s name, which could have been swapped),
    /// with a umask that keeps it 0600 from birth. It is bound under a temporary name and
    /// renamed over whatever `daemon.sock` was (a stale socket): the name is never missing.
    static func listen(in directory: RuntimeDirectory) throws(DaemonStartError) -> Int32 {
        let temporary = "daemon.sock.new"
        // Left by a daemon that ended between its bind and its rename: never served.
        try? directory.remove(temporary)
        let fd: Int32
        do { fd = try Socket.stream() } catch { throw DaemonStartError("failed to create socket: \(error)") }
        let bindError: SystemError? = directory.withDescriptor { dirFD in
            do throws(SystemError) {
                let address = try UnixSocketAddress(path: directory.paths.path(of: temporary, inDirectory: dirFD))
                let previous = umask(0o177)
                defer { umask(previous) }
                try Socket.bind(fd, to: address)
                return nil
            } catch {
                return error
            }
        }
        if let bindError {
            Descriptor.close(fd)
            throw DaemonStartError("failed to create socket: \(bindError)")
        }
        let modeSet = directory.withDescriptor { fchmodat($0, temporary, 0o600, 0) }
        guard modeSet == 0 else {
            let error = SystemError.last
            Descriptor.close(fd)
            try? directory.remove(temporary)
            throw DaemonStartError("failed to set socket permissions: \(error)")
        }
        guard Glibc.listen(fd, 512) == 0 else {
            let error = SystemError.last
            Descriptor.close(fd)
            try? directory.remove(temporary)
            throw DaemonStartError("failed to create socket: \(error)")
        }
        do throws(SystemError) { try directory.rename(temporary, to: "daemon.sock") } catch {
            Descriptor.close(fd)
            try? directory.remove(temporary)
            throw DaemonStartError("failed to create socket: \(error)")
        }
        return fd
    }

    /// Whether something accepts connections on `daemon.sock` of the directory.
    static func canConnect(_ directory: RuntimeDirectory) -> Bool {
        directory.withDescriptor { dirFD in
            guard let fd = try? Socket.connected(to: directory.paths.path(of: "daemon.sock", inDirectory: dirFD)) else {
                return false
            }
            Descriptor.close(fd)
            return true
        }
    }

    /// Many subscribers and jobs need descriptors: take the hard limit.
    static func raiseDescriptorLimit() {
        let resourceNoFile = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        var limit = rlimit()
        guard getrlimit(resourceNoFile, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = min(limit.rlim_max, 1 << 20)
        _ = setrlimit(resourceNoFile, &limit)
    }
}
