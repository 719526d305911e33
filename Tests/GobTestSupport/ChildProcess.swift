import Glibc
import GobSystem
import CGobShims

/// Programs the tests run as children of the test process: started with `posix_spawn`
/// (in a process group of their own, every other descriptor closed), output captured in
/// files (no pipe can fill up), waited for without holding a thread.
public enum ChildProcess {
    /// Starts `path` with `arguments` (the first is its name, `argv[0]`) and exactly
    /// `environment`, in `directory` (the test's own when nil); stdout and stderr go to
    /// the named files (created or truncated; /dev/null when nil). `newSession` puts it
    /// in a session of its own. Returns its PID.
    public static func spawn(
        _ path: String, _ arguments: [String], environment: [String], directory: String? = nil,
        stdout stdoutPath: String? = nil, stderr stderrPath: String? = nil, newSession: Bool = false
    ) throws -> pid_t {
        let out = try stdoutPath.map(openOutput) ?? -1
        defer { if out >= 0 { close(out) } }
        let err = try stderrPath.map { $0 == stdoutPath ? dup(out) : try openOutput($0) } ?? -1
        defer { if err >= 0 { close(err) } }
        let argv = CStringArray(arguments)
        let envp = CStringArray(environment)
        var pid: pid_t = 0
        let rc = gob_spawn(&pid, path, argv.pointers, envp.pointers, directory, -1, out, err, -1, newSession ? 1 : 0)
        guard rc == 0 else { throw SpawnFailure(code: rc, path: path) }
        return pid
    }

    /// Waits for child `pid` to end and reaps it; its exit status, or 128 + the signal
    /// that killed it. After `timeout` it is killed and `WaitTimeout` thrown, naming
    /// `what`.
    public static func wait(
        _ pid: pid_t, timeout: Duration = Failsafe.wait, what: @autoclosure () -> String = "a child process to end"
    ) async throws -> Int32 {
        guard let handle = ProcessHandle(pid) else { throw SpawnFailure(code: errno, path: "pidfd_open") }
        if await !handle.exit(timeout: timeout) {
            handle.signal(SIGKILL)
            _ = await handle.exit()
            _ = reap(pid)
            throw WaitTimeout("\(what()) (PID \(pid); killed)", after: timeout)
        }
        guard let status = reap(pid) else { throw SpawnFailure(code: errno, path: "waitpid") }
        return status
    }

    /// Reaps an exited child; its decoded status, or nil when it is not a child waiting
    /// to be reaped.
    static func reap(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, WNOHANG) } while result < 0 && errno == EINTR
        guard result == pid else { return nil }
        // WIFEXITED / WEXITSTATUS, spelled out: the macros are not imported.
        if status & 0x7F == 0 { return (status >> 8) & 0xFF }
        return 128 + (status & 0x7F)
    }

    private static func openOutput(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SpawnFailure(code: errno, path: path) }
        return fd
    }
}
