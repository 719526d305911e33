#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol
import Logging

extension Daemon {
    /// Locks `<rt>/daemon.pid` for the daemon's lifetime, so that a second daemon cannot run
    /// beside this one even when the socket file was deleted. A daemon that is shutting
    /// down holds it for a moment longer: wait up to 3 s for it.
    static func lockPIDFile(_ paths: RuntimePaths) throws(DaemonStartError) -> Int32 {
        let fd = open(paths.pidFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DaemonStartError("failed to write PID file: \(SystemError.last)") }
        let deadline = MonotonicClock.now() + MonotonicClock.seconds(3)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, MonotonicClock.now() < deadline else {
                let holder = String(decoding: readAll(fd, limit: 32), as: UTF8.self)
                closeDescriptor(fd)
                if canConnect(paths.socket) {
                    throw DaemonStartError(
                        "failed to cleanup stale socket: daemon already running (socket in use: \(paths.socket))")
                }
                throw DaemonStartError(
                    "daemon already running (PID \(holder.isEmpty ? "unknown" : holder)) but not answering on \(paths.socket); stop it with: kill \(holder)")
            }
            usleep(10_000)
        }
        return fd
    }

    /// Writes the PID, without a newline (contract §4.1).
    static func writePID(_ fd: Int32, paths: RuntimePaths) throws(DaemonStartError) {
        guard ftruncate(fd, 0) == 0, pwrite(fd, "\(getpid())", "\(getpid())".utf8.count, 0) > 0 else {
            throw DaemonStartError("failed to write PID file: \(SystemError.last)")
        }
        _ = fchmod(fd, 0o644)
    }

    /// A live daemon on the socket is an error; anything else there is stale and removed.
    static func removeStaleSocket(_ paths: RuntimePaths, logger: Logger) throws(DaemonStartError) {
        var info = stat()
        guard lstat(paths.socket, &info) == 0 else { return }
        if canConnect(paths.socket) {
            throw DaemonStartError(
                "failed to cleanup stale socket: daemon already running (socket in use: \(paths.socket))")
        }
        logger.info("Removing stale socket: \(paths.socket)")
        if unlink(paths.socket) != 0 && errno != ENOENT {
            throw DaemonStartError("failed to cleanup stale socket: \(SystemError.last)")
        }
    }

    /// After an unclean end (the D14 record exists): terminates the job groups the previous
    /// daemon left, in the background (SIGTERM, then SIGKILL after 3 s), verifying each
    /// process's start time. Job logs in `<rt>` belong to no job of the new, empty table and
    /// are removed.
    static func cleanUpAfterPredecessor(_ paths: RuntimePaths, record: JobGroupRecord, logger: Logger) {
        let entries = record.read()
        if !entries.isEmpty {
            let survivors = JobGroupRecord.survivors(of: entries)
            logger.info("Previous daemon ended uncleanly: terminating \(survivors.count) leftover job process(es)")
            for process in survivors { _ = kill(process.pid, SIGTERM) }
            if !survivors.isEmpty {
                DetachedThread.start {
                    let deadline = MonotonicClock.now() + MonotonicClock.seconds(3)
                    var remaining = survivors
                    while !remaining.isEmpty {
                        remaining = remaining.filter { ProcessTable.startTime(of: $0.pid) == $0.startTime }
                        if MonotonicClock.now() >= deadline {
                            for process in remaining { _ = kill(process.pid, SIGKILL) }
                            return
                        }
                        usleep(20_000)
                    }
                }
            }
        }
        record.remove()
        removeOrphanLogs(paths, logger: logger)
    }

    private static func removeOrphanLogs(_ paths: RuntimePaths, logger: Logger) {
        guard let directory = opendir(paths.directory) else { return }
        defer { closedir(directory) }
        var removed = 0
        while let item = readdir(directory) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if RuntimePaths.jobID(ofLogFile: name) != nil, unlink(paths.directory + "/" + name) == 0 {
                removed += 1
            }
        }
        if removed > 0 { logger.info("Removed \(removed) log file(s) that belong to no job") }
    }

    /// Creates the listening socket with a umask that keeps it 0600 from birth (D11).
    static func listen(on path: String) throws(DaemonStartError) -> Int32 {
        guard var address = socketAddress(path) else {
            throw DaemonStartError("failed to create socket: path too long (\(path.utf8.count) bytes): \(path)")
        }
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw DaemonStartError("failed to create socket: \(SystemError.last)") }
        let previous = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        let bindError = errno
        umask(previous)
        guard bound == 0 else {
            closeDescriptor(fd)
            throw DaemonStartError("failed to create socket: \(SystemError(bindError))")
        }
        guard chmod(path, 0o600) == 0 else {
            let error = SystemError.last
            closeDescriptor(fd)
            _ = unlink(path)
            throw DaemonStartError("failed to set socket permissions: \(error)")
        }
        guard Glibc.listen(fd, 512) == 0 else {
            let error = SystemError.last
            closeDescriptor(fd)
            _ = unlink(path)
            throw DaemonStartError("failed to create socket: \(error)")
        }
        return fd
    }

    /// Whether something accepts connections on `path`.
    static func canConnect(_ path: String) -> Bool {
        guard var address = socketAddress(path) else { return false }
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { closeDescriptor(fd) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return rc == 0
    }

    /// Many subscribers and jobs need descriptors: take the hard limit.
    static func raiseDescriptorLimit() {
        #if canImport(Glibc)
        let resourceNoFile = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resourceNoFile = RLIMIT_NOFILE
        #endif
        var limit = rlimit()
        guard getrlimit(resourceNoFile, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = min(limit.rlim_max, 1 << 20)
        _ = setrlimit(resourceNoFile, &limit)
    }
}

/// A `sockaddr_un` for `path`; nil when the path does not fit.
func socketAddress(_ path: String) -> sockaddr_un? {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else { return nil }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (n, byte) in bytes.enumerated() { raw[n] = byte }
        raw[bytes.count] = 0
    }
    return address
}
