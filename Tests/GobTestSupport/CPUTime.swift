import Glibc

/// CPU time a process uses, for the tests that check something stays idle.
public enum CPUTime {
    /// utime + stime of `pid` (all its threads), in clock ticks.
    public static func ticks(of pid: pid_t) -> Int? {
        guard let stat = ProcessScan.read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: UInt8(ascii: ")")) else {
            return nil
        }
        let fields = stat[(close + 1)...].split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
        // fields[0] is field 3 of stat(5), the state; utime is 14, stime 15.
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
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
