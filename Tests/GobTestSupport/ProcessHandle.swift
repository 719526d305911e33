import Glibc
import CGobShims
import CGobTestShims

/// A process pinned by a pidfd: waited for and signalled without any risk of reaching
/// another process that has reused its PID meanwhile.
public final class ProcessHandle: Sendable {
    public let pid: pid_t
    private let fd: Int32

    /// A handle on `pid`; nil when no such process exists (not even as a zombie).
    public init?(_ pid: pid_t) {
        guard pid > 0 else { return nil }
        let fd = gob_test_pidfd_open(pid)
        guard fd >= 0 else { return nil }
        self.pid = pid
        self.fd = fd
    }

    /// A handle on `pid` only if it is still the process that started at `startTime`
    /// (clock ticks after boot, `/proc/<pid>/stat` field 22).
    public convenience init?(_ pid: pid_t, startTime: UInt64) {
        self.init(pid)
        // Checked after the pidfd exists: from then on the PID cannot be reused under it.
        guard ProcessScan.entry(pid)?.startTime == startTime else { return nil }
    }

    deinit { close(fd) }

    /// Whether the process has exited (it may still wait to be reaped as a zombie).
    public var hasExited: Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 0) > 0
    }

    /// Sends `signal`; false when the process has already been reaped.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        gob_test_pidfd_send_signal(fd, signal) == 0
    }

    /// Waits until the process has exited: true; false after `timeout`.
    public func exit(timeout: Duration = Failsafe.wait) async -> Bool {
        await Reactor.shared.wait(for: fd, events: Int16(POLLIN), until: ContinuousClock().now + timeout)
    }

    /// Waits until the process has exited and its parent has reaped it: true; false
    /// after `timeout`.
    public func reaped(timeout: Duration = Failsafe.wait) async -> Bool {
        let deadline = ContinuousClock().now + timeout
        guard Self.reportsReaping else {
            // A kernel that does not report reaping on the pidfd: the zombie's /proc
            // entry going away is the only sign, so look for it after each short pause.
            guard await Reactor.shared.wait(for: fd, events: Int16(POLLIN), until: deadline) else { return false }
            while ProcessScan.entry(pid) != nil {
                guard ContinuousClock().now < deadline else { return false }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return true
        }
        // Asking for no event at all: only the hang-up that reaping reports ends the poll.
        return await Reactor.shared.wait(for: fd, events: 0, until: deadline)
    }

    /// Waits until the process has exited; throws `WaitTimeout` naming `what` otherwise.
    public func waitForExit(_ what: @autoclosure () -> String, timeout: Duration = Failsafe.wait) async throws {
        guard await exit(timeout: timeout) else { throw WaitTimeout(what(), after: timeout) }
    }

    /// Whether this kernel reports a reaped process's pidfd as hung up: checked once on
    /// a child of our own, exited and reaped.
    static let reportsReaping: Bool = {
        var argv: [UnsafeMutablePointer<CChar>?] = [strdup("true"), nil]
        defer { for pointer in argv { free(pointer) } }
        var envp: [UnsafeMutablePointer<CChar>?] = [nil]
        var pid: pid_t = 0
        guard gob_spawn(&pid, "/bin/true", &argv, &envp, nil, -1, -1, -1, -1, 0) == 0 else { return false }
        let fd = gob_test_pidfd_open(pid)
        var status: Int32 = 0
        // The child exits at once; this blocks only for that moment, once per run.
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var poller = pollfd(fd: fd, events: 0, revents: 0)
        return poll(&poller, 1, 0) > 0 && poller.revents & Int16(POLLHUP) != 0
    }()
}
