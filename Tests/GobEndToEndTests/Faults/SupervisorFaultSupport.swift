import Glibc
import Foundation
import GobProtocol
import GobSystem
import Testing

/// What the job-supervisor fault tests need beyond the sandbox: timed raw requests, the
/// daemon's threads' wait channels, hung mounts and reused PIDs.
extension Sandbox {
    /// Sends `request` straight to the socket on a thread of its own and returns the reply
    /// with how long it took; the reply is nil when none came (the raw client gives up
    /// after 20 s).
    func timedRaw(_ request: Request) async -> (response: Response?, seconds: Double) {
        let socket = paths.socket
        let line = Array((request.wireJSON.compact + "\n").utf8)
        return await offThePool {
            let started = MonotonicClock.now()
            let reply = RawConnection.exchange(socket: socket, sending: line)
            let seconds = Double(MonotonicClock.now() - started) / 1e9
            return ((try? JSON(parsing: reply)).flatMap(Response.init(json:)), seconds)
        }
    }

    /// The shortest of `attempts` round trips of `request`, and the last reply: one slow
    /// answer on a loaded machine is not a freeze, a request that never gets below the
    /// bound is.
    func fastestRaw(_ request: Request, attempts: Int = 3) async -> (response: Response?, seconds: Double) {
        var best: (response: Response?, seconds: Double) = (nil, .infinity)
        for _ in 0..<attempts {
            let result = await timedRaw(request)
            if result.seconds < best.seconds { best = result }
            if result.response == nil { break }
        }
        return best
    }

    /// Whether one of the daemon's threads is asleep in a kernel function whose name
    /// contains `name` (`/proc/<pid>/task/<tid>/wchan`).
    func daemonThreadWaits(in name: String) -> Bool {
        guard let pid = daemonPID,
              let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
        else { return false }
        return tasks.contains { tid in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/wchan", encoding: .utf8)) ?? "").contains(name)
        }
    }
}

/// A FUSE mount whose server never answers, not even the kernel's first request: every
/// lookup, `stat` or `chdir` under it blocks, as on a hung network mount. Needs root and
/// `/dev/fuse`; no FUSE library is involved (an unanswered mount needs none). Closing the
/// descriptor aborts the connection, which fails every waiting call with `ENOTCONN`.
final class HungFuseMount: @unchecked Sendable {
    // @unchecked: owned by one test; `released` is only touched by that test's task.
    let path: String
    private let fd: Int32
    private var released = false

    /// Why a hung mount cannot be made here, or nil when it can be tried.
    static var unavailableReason: String? {
        if getuid() != 0 { return "needs root to mount" }
        if access("/dev/fuse", R_OK | W_OK) != 0 { return "/dev/fuse is missing" }
        return nil
    }

    init?(at path: String) {
        let fd = open("/dev/fuse", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        let options = "fd=\(fd),rootmode=40000,user_id=0,group_id=0,allow_other"
        // MS_NOSUID | MS_NODEV
        guard mount("gob-hung", path, "fuse", 2 | 4, options) == 0 else {
            _ = close(fd)
            return nil
        }
        self.path = path
        self.fd = fd
    }

    /// Aborts the connection (waiting calls fail) and detaches the mount.
    func release() {
        guard !released else { return }
        released = true
        _ = close(fd)
        _ = umount2(path, 2)  // MNT_DETACH
    }

    deinit { release() }
}

/// Starting a process at a chosen PID (root only, through `ns_last_pid`), to show what gob
/// does when an unrelated process reuses the number of a job's process group.
enum PIDReuse {
    /// Whether this process may set the next PID.
    static var available: Bool { getuid() == 0 && access("/proc/sys/kernel/ns_last_pid", W_OK) == 0 }

    /// Starts `sleep 600` as PID `target`, leader of its own process group, with `environment`;
    /// nil when other processes kept taking the number first.
    static func sleeper(at target: pid_t, environment: [String]) -> pid_t? {
        for _ in 0..<2000 {
            guard let file = fopen("/proc/sys/kernel/ns_last_pid", "w") else { return nil }
            fputs("\(target - 1)", file)
            fclose(file)
            guard let pid = spawnSleeper(environment: environment) else { return nil }
            if pid == target { return pid }
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        return nil
    }

    /// Whether `pid`, a child of this process, still runs (it is reaped when it has ended).
    static func isRunning(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// Ends and reaps a sleeper.
    static func stop(_ pid: pid_t) {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    private static func spawnSleeper(environment: [String]) -> pid_t? {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        var argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sleep", "600"].map { (text: String) in strdup(text) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { (text: String) in strdup(text) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sleep", nil, &attributes, &argv, &envp) == 0 else { return nil }
        return pid
    }
}
