import Glibc
import GobSystem

/// CPU time a process uses, for the tests that check something stays idle.
public enum CPUTime {
    /// utime + stime of `pid` (all its threads), in clock ticks.
    public static func ticks(of pid: pid_t) -> Int? {
        ProcFS.stat(of: pid).map { Int($0.userTicks + $0.systemTicks) }
    }

    /// The clock ticks `pid` uses while `window` passes; nil when it is gone.
    ///
    /// Idleness has no event to wait for: it is the absence of work over a stretch of
    /// time. This is the one place a test lets time pass on purpose, and what it decides
    /// on is CPU time, which a loaded machine only makes smaller for an idle process.
    public static func used(by pid: pid_t, over window: Duration) async throws -> Int? {
        guard let before = ticks(of: pid) else { return nil }
        try await Task.sleep(for: window)
        guard let after = ticks(of: pid) else { return nil }
        return after - before
    }
}
