import CGobShims
import Glibc
import GobProtocol
import GobSystem

/// Starts jobs: own process group, stdin /dev/null, stdout/stderr
/// appended to the log files, cwd = workdir, signal mask and dispositions reset, no other
/// descriptor inherited, argv[0] looked up in the job's own `PATH`, and the starting
/// client's umask, nice value and resource limits.
///
/// `posix_spawn` cannot set a umask, limits or a nice value in the child, and setting
/// them on the new PID from outside would race with the program it runs; so a small C
/// shim clones the way `posix_spawn` does and sets them before `execve`. It also returns
/// a pidfd from the clone itself, so the process is named without a window in which its
/// number could be reused.
public struct PosixProcessLauncher: ProcessLauncher {
    /// How a job's process group is reached.
    public enum GroupSignalling: Sendable, Equatable {
        /// Through the leader's pidfd (Linux 6.9): the group is found by its leader's
        /// identity, also after the leader has ended.
        case pidfd
        /// By number, and only while the leader has not been reaped (the reaper is held
        /// meanwhile): then the number is provably still the group's. After that, nothing
        /// of the group is signalled.
        case leaderNumber
    }

    private let reaper: Reaper
    private let logs: StateDirectory?
    /// Empty files made ahead in `logs/`, taken by starts instead of creating their logs.
    let spares: LogSpares?
    private let defaults: ProcessSettings
    private let signalling: GroupSignalling

    /// - Parameters:
    ///   - logs: when given, logs inside its `logs/` are opened through its descriptor.
    ///   - defaults: what a job gets when its request carries no settings: umask 022 and
    ///     the limits the daemon started with (before it raised its own descriptor limit).
    ///   - signalling: nil picks the best the kernel offers.
    public init(
        reaper: Reaper, logs: StateDirectory? = nil,
        defaults: ProcessSettings = ProcessSettings(umask: 0o022),
        signalling: GroupSignalling? = nil
    ) {
        self.reaper = reaper
        self.logs = logs
        spares = logs.map { LogSpares(directory: $0) }
        self.defaults = defaults
        self.signalling = signalling ?? (ProcessHandle.canSignalGroups ? .pidfd : .leaderNumber)
    }

    // MARK: Starting

    public func launch(_ spec: LaunchSpec) throws(LaunchError) -> LaunchedProcess {
        guard let name = spec.command.first else { throw LaunchError("empty command") }
        try checkWorkdir(spec.workdir)
        let path = try resolve(name, spec: spec)
        let stdoutFD = try openLog(spec.stdoutPath)
        defer { _ = close(stdoutFD) }
        let stderrFD = try openLog(spec.stderrPath)
        defer { _ = close(stderrFD) }
        let stdinFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard stdinFD >= 0 else { throw LaunchError("cannot start \"\(name)\": /dev/null: \(SystemError.last)") }
        defer { _ = close(stdinFD) }

        let settings = spec.settings ?? defaults
        let limits = shimLimits(settings.limits)
        let environment = Self.marked(spec.environment, jobID: spec.jobID)
        var pid: pid_t = -1
        var pidfd: Int32 = -1
        var step: Int32 = 0
        let rc = withCStrings(spec.command) { argv in
            withCStrings(environment) { envp in
                argv.withUnsafeBufferPointer { argvBuffer in
                    envp.withUnsafeBufferPointer { envpBuffer in
                        limits.withUnsafeBufferPointer { limitBuffer in
                            path.withCString { pathPointer in
                                spec.workdir.withCString { workdirPointer in
                                    var job = gob_job_spawn(
                                        path: pathPointer, argv: argvBuffer.baseAddress, envp: envpBuffer.baseAddress,
                                        workdir: workdirPointer, stdin_fd: stdinFD, stdout_fd: stdoutFD, stderr_fd: stderrFD,
                                        set_umask: settings.umask == nil ? 0 : 1, umask: settings.umask ?? 0,
                                        set_nice: settings.nice == nil ? 0 : 1, nice: settings.nice ?? 0,
                                        limit_count: Int32(limitBuffer.count), limits: limitBuffer.baseAddress)
                                    return gob_spawn_job(&job, &pid, &pidfd, &step)
                                }
                            }
                        }
                    }
                }
            }
        }
        if pid > 0 { reaper.childStarted() }
        guard rc == 0 else { throw failure(rc, step: step, name: name, path: path, workdir: spec.workdir) }
        let handle = pidfd >= 0 ? ProcessHandle(pid: pid, descriptor: pidfd) : nil
        // Read while the reaper is held and the child provably not reaped: then the start
        // time is this process's, not that of a later one with the same number.
        let startTime = reaper.withReapsHeld { () -> UInt64? in
            guard !isReaped(pid: pid, handle: handle) else { return nil }
            return ProcessTable.startTime(of: pid)
        }
        return LaunchedProcess(pid: pid, startTime: startTime, handle: handle)
    }

    /// The job's environment with its marker, `GOB_JOB_ID=<id>`, in place of any it had.
    static func marked(_ environment: [OSString], jobID: String?) -> [OSString] {
        guard let jobID else { return environment }
        let prefix = JobTrees.markerName + "="
        return environment.filter { !$0.hasPrefix(prefix) } + [OSString(prefix + jobID)]
    }

    public func prepareAhead() {
        spares?.replenish()
    }

    public func checkWorkdir(_ workdir: OSString) throws(LaunchError) {
        var info = stat()
        if workdir.withCString({ stat($0, &info) }) != 0 { throw Self.workdirError(workdir, errno) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw Self.workdirError(workdir, ENOTDIR) }
    }

    /// The requested limits as the shim takes them. The child clamps each to the hard
    /// limit it has (the daemon's, which may have been lowered since it began: `prlimit`;
    /// a process without CAP_SYS_RESOURCE cannot raise it, so the start would fail) and
    /// the soft one within the hard one, with the limits it reads anyway: nothing here
    /// reads the daemon's own.
    private func shimLimits(_ limits: [ProcessSettings.Limit]) -> [gob_limit] {
        limits.compactMap { limit in
            guard let resource = ProcessSettings.resource(named: limit.name) else { return nil }
            return gob_limit(resource: resource, soft: limit.soft, hard: limit.hard)
        }
    }

    /// Go's `exec.LookPath` over the job's `PATH`: a name with `/` is used as given (a
    /// relative one resolves in the workdir, after the child's chdir); otherwise the first
    /// executable regular file in `PATH`, relative entries taken from the workdir.
    private func resolve(_ name: OSString, spec: LaunchSpec) throws(LaunchError) -> OSString {
        if name.bytes.contains(UInt8(ascii: "/")) { return name }
        let notFound = LaunchError("cannot start \"\(name)\": no such file")
        guard !name.isEmpty,
              let entry = spec.environment.last(where: { $0.hasPrefix("PATH=") })
        else { throw notFound }
        for directory in entry.bytes.dropFirst(5).split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false) {
            var base = directory.isEmpty ? OSString(".") : OSString(bytes: Array(directory))
            if !base.isAbsolutePath { base = spec.workdir + "/" + base }
            let candidate = base + "/" + name
            var info = stat()
            if candidate.withCString({ stat($0, &info) }) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_mode & 0o111 != 0 {
                return candidate
            }
        }
        throw notFound
    }

    /// Opens a log for appending, so that a log truncated under a running job (`: > log`,
    /// logrotate's copytruncate) gets the job's next lines at its start, not behind a hole
    /// of NUL bytes at the old offset.
    private func openLog(_ path: String) throws(LaunchError) -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_APPEND
        let prefix = (logs?.paths.logs ?? "") + "/"
        if let logs, path.hasPrefix(prefix), !path.dropFirst(prefix.count).contains("/") {
            let name = String(path.dropFirst(prefix.count))
            if let fd = spares?.take(as: name, flags: flags, mode: 0o644) { return fd }
            do {
                return try logs.openLog(name, flags: flags, mode: 0o644)
            } catch {
                throw LaunchError("cannot open log file \(path): \(error)")
            }
        }
        let fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw LaunchError("cannot open log file \(path): \(SystemError.last)") }
        return fd
    }

    /// The message for a failed start, in plain words.
    private func failure(_ code: Int32, step: Int32, name: OSString, path: OSString, workdir: OSString) -> LaunchError {
        if step == Int32(GOB_SPAWN_STEP_WORKDIR) { return Self.workdirError(workdir, code) }
        var reason: String
        switch code {
        case ENOENT: reason = "no such file"
        case EACCES: reason = "permission denied"
        case ENOEXEC: reason = "not an executable file"
        case ENOTDIR: reason = "not a directory"
        case E2BIG: reason = "arguments and environment too long"
        case ELOOP: reason = "too many symbolic links"
        case ETXTBSY: reason = "file is being written"
        default: reason = SystemError(code).description
        }
        if code == EACCES {
            var info = stat()
            let full = path.isAbsolutePath ? path : workdir + "/" + path
            if full.withCString({ stat($0, &info) }) == 0, (info.st_mode & S_IFMT) == S_IFDIR { reason = "is a directory" }
        }
        return LaunchError("cannot start \"\(name)\": \(reason)")
    }

    private static func workdirError(_ workdir: OSString, _ code: Int32) -> LaunchError {
        switch code {
        case ENOENT: LaunchError("working directory \(workdir) does not exist")
        case ENOTDIR: LaunchError("working directory \(workdir) is not a directory")
        case EACCES: LaunchError("working directory \(workdir): permission denied")
        default: LaunchError("working directory \(workdir): \(SystemError(code))")
        }
    }

    // MARK: Signalling

    public func signalGroup(of process: LaunchedProcess, _ signal: Int32) -> Int32 {
        guard process.pid > 1 else { return ESRCH }
        if signalling == .pidfd, let handle = process.handle { return handle.signalGroup(signal) }
        // An adopted leader is no child of ours: nothing holds its number for its group.
        // Only the leader itself is provably reached (through its pidfd); the tree sweep
        // reaches the rest of its processes one by one.
        if process.adopted { return process.handle?.signalLeader(signal) ?? ESRCH }
        return reaper.withReapsHeld {
            guard leaderUnreaped(process) else { return ESRCH }
            return kill(-process.pid, signal) == 0 ? 0 : errno
        }
    }

    public func groupHasLiveMembers(_ process: LaunchedProcess) -> Bool {
        guard process.pid > 1 else { return false }
        if signalling == .pidfd, let handle = process.handle {
            guard handle.signalGroup(0) == 0 else { return false }
            if !handle.hasExited { return true }
            // Members remain, so the group's number is still the job's: look at their states.
            guard ProcessTable.members(of: [process.pid]).contains(where: \.isLive) else { return false }
            return handle.signalGroup(0) == 0
        }
        if process.adopted { return process.handle.map { !$0.hasExited } ?? false }
        return reaper.withReapsHeld {
            guard leaderUnreaped(process) else { return false }
            return ProcessTable.members(of: [process.pid]).contains(where: \.isLive)
        }
    }

    public func groupMayHaveMembers(_ process: LaunchedProcess) -> Bool {
        guard process.pid > 1 else { return false }
        if signalling == .pidfd, let handle = process.handle { return handle.signalGroup(0) == 0 }
        return kill(-process.pid, 0) == 0 || errno == EPERM
    }

    /// Whether the leader is still our unreaped child; call with reaps held.
    private func leaderUnreaped(_ process: LaunchedProcess) -> Bool {
        if let handle = process.handle { return gob_pidfd_reaped(handle.descriptor) == 0 }
        guard let recorded = process.startTime else { return false }
        return ProcessTable.startTime(of: process.pid) == recorded
    }

    private func isReaped(pid: Int32, handle: ProcessHandle?) -> Bool {
        if let handle { return gob_pidfd_reaped(handle.descriptor) == 1 }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
