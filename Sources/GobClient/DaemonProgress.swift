import Glibc
import GobSystem

/// Whether a daemon that has sent nothing for a request's bound is still at work on the
/// request (building a list of thousands of jobs, or of jobs with megabytes of arguments,
/// on a machine whose CPUs are busy) or is not answering at all (stopped, wedged, on a
/// hung mount). At work: its process runs and its CPU time grew since the last look,
/// taken every `lookMilliseconds`. Not answering: it is stopped (`SIGSTOP`), gone, or
/// used no CPU between two looks. Looked at only once the bound passed, so an answered
/// request reads nothing from `/proc`.
struct DaemonProgress {
    /// How long to wait between two looks at the daemon's CPU time.
    static let lookMilliseconds: Int64 = 1_000

    let pid: Int32
    /// Monotonic nanoseconds after which the daemon is reported not responding however
    /// busy it looks: a busy process may be busy with something else.
    private let giveUp: Int64
    /// The daemon's CPU time at the last look; nil before the first.
    private var ticks: UInt64?
    /// The length of the last wait, in milliseconds: what `DaemonClient.timeoutFailure`
    /// needs to tell the daemon's silence from the command's deadline.
    private(set) var lastWait: Int64

    /// For a reply from `pid` that was first waited for `firstWait` milliseconds; given up
    /// `giveUpAfter` milliseconds from now.
    init(pid: Int32, firstWait: Int64, giveUpAfter milliseconds: Int64) {
        self.pid = pid
        lastWait = firstWait
        giveUp = MonotonicClock.now() + milliseconds * 1_000_000
    }

    /// How many milliseconds more to wait for the reply, at most `bound(lookMilliseconds)`
    /// (the command's deadline cuts it; a `bound` that throws ends the wait); nil: the
    /// daemon is not at work on it, or it is time to give up.
    mutating func nextWait(bound: (Int64) throws(ClientError) -> Int64) -> Int64? {
        guard pid > 0, let stat = ProcFS.stat(of: pid), stat.isLive, !Self.isStopped(stat.state) else { return nil }
        let now = stat.userTicks + stat.systemTicks
        defer { ticks = now }
        if let ticks, now <= ticks { return nil }
        let left = (giveUp - MonotonicClock.now()) / 1_000_000
        guard left > 0, let wait = try? bound(min(Self.lookMilliseconds, left)) else { return nil }
        lastWait = wait
        return wait
    }

    /// `T` (stopped by a signal) or `t` (stopped by a tracer).
    private static func isStopped(_ state: UInt8) -> Bool {
        state == UInt8(ascii: "T") || state == UInt8(ascii: "t")
    }
}
