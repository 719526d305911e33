#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CGobShims
import GobProtocol

/// Starts jobs with posix_spawn (contract §4.6, §9): own process group, stdin /dev/null,
/// stdout/stderr to the log files, cwd = workdir, signal mask and dispositions reset, no
/// other descriptor inherited, argv[0] looked up in the job's own `PATH` (D3).
public struct PosixProcessLauncher: ProcessLauncher {
    private let onSpawn: @Sendable () -> Void

    /// - Parameter onSpawn: called after each successful spawn (the reaper's cue).
    public init(onSpawn: @escaping @Sendable () -> Void = {}) {
        self.onSpawn = onSpawn
    }

    public func launch(_ spec: LaunchSpec) throws(LaunchError) -> LaunchedProcess {
        guard let name = spec.command.first else { throw LaunchError("empty command") }
        var info = stat()
        if spec.workdir.withCString({ stat($0, &info) }) != 0 {
            throw LaunchError("failed to start process: chdir \(spec.workdir): \(SystemError.last)")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw LaunchError("failed to start process: chdir \(spec.workdir): \(SystemError(ENOTDIR))")
        }
        let path = try resolve(name, spec: spec)
        let stdoutFD = try openLog(spec.stdoutPath, stream: "stdout")
        defer { close(stdoutFD) }
        let stderrFD = try openLog(spec.stderrPath, stream: "stderr")
        defer { close(stderrFD) }

        var pid: pid_t = 0
        let rc = withCStrings(spec.command) { argv in
            withCStrings(spec.environment) { envp in
                path.withCString { path in
                    spec.workdir.withCString { workdir in
                        gob_spawn(&pid, path, argv, envp, workdir, -1, stdoutFD, stderrFD, -1, 0)
                    }
                }
            }
        }
        onSpawn()
        guard rc == 0 else {
            throw LaunchError("failed to start process: fork/exec \(path): \(SystemError(rc))")
        }
        return LaunchedProcess(pid: pid, startTime: ProcessTable.startTime(of: pid))
    }

    public func signalGroup(_ pgid: Int32, _ signal: Int32) -> Int32 {
        guard pgid > 1 else { return ESRCH }
        return kill(-pgid, signal) == 0 ? 0 : errno
    }

    public func groupExists(_ pgid: Int32) -> Bool {
        guard pgid > 1 else { return false }
        return kill(-pgid, 0) == 0 || errno == EPERM
    }

    /// Go's `exec.LookPath` over the job's `PATH`: a name with `/` is used as given (a
    /// relative one resolves in the workdir, after the child's chdir); otherwise the first
    /// executable regular file in `PATH`, relative entries taken from the workdir.
    private func resolve(_ name: OSString, spec: LaunchSpec) throws(LaunchError) -> OSString {
        if name.bytes.contains(UInt8(ascii: "/")) { return name }
        let notFound = LaunchError("failed to start process: exec: \"\(name)\": executable file not found in $PATH")
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

    private func openLog(_ path: String, stream: String) throws(LaunchError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LaunchError("failed to open \(stream) log file: open \(path): \(SystemError.last)")
        }
        return fd
    }
}

/// Calls `body` with a NULL-terminated array of C strings, freed afterwards.
func withCStrings<R>(_ strings: [OSString], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { $0.duplicateCString() }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}
