import Glibc
import GobProtocol
import GobSystem

/// Makes committed changes reach the disk soon after their commit without making any
/// request wait for it: the database commits with `synchronous=NORMAL` (no `fsync` per
/// commit, which costs ≈ 2.7 ms on this machine's disk and would double `gob add`), and
/// this thread syncs the write-ahead log 3 ms after the first commit of each burst. A
/// machine that loses power then loses at most the changes of the last few
/// milliseconds; the database still opens, holding an earlier state clients were told
/// about.
///
/// Not at once: the reply or the event that follows a commit goes out within a fraction
/// of a millisecond, and a sync started meanwhile competed with it, and with the client
/// it wakes, for the machine's CPUs (`gob add` was 0.04× of `tmux new-window` slower in
/// `gob-bench`, docs/performance.md). Commits during the wait share the sync.
///
/// Idle, the thread sleeps on its condition: no wake-ups, no CPU.
public final class WALFlusher: Sendable {
    private struct State {
        /// Commits happened since the last sync began.
        var pending = false
        var stopped = false
    }

    /// How long after the first commit of a burst the WAL is synced.
    static let delayNanoseconds: Int64 = 3_000_000

    private let path: String
    private let state = ConditionLock(State())

    /// Starts the thread that syncs the file at `path` (the database's WAL); nil when no
    /// thread could be made (commits are then only as durable as the OS makes them).
    public init?(walPath path: String) {
        self.path = path
        guard DetachedThread.start({ [self] in run() }) else { return nil }
    }

    /// Notes a commit: the WAL is synced soon.
    public func committed() {
        state.withLockBroadcasting { $0.pending = true }
    }

    /// Ends the thread and syncs the WAL on the caller's thread (the daemon's last act).
    public func stopAndSync() {
        state.withLockBroadcasting { $0.stopped = true }
        sync()
    }

    private func sync() {
        // Opened each time: SQLite may remove the WAL (at its last close) and make it again.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = fdatasync(fd)
            _ = close(fd)
        }
    }

    private func run() {
        while true {
            let work = state.wait { state -> Bool? in
                if state.pending { return true }
                return state.stopped ? false : nil
            }
            guard work == true else { return }
            // The stop syncs on its own thread: nothing left to wait for then.
            let stopped = state.wait(until: MonotonicClock.now() + Self.delayNanoseconds) { $0.stopped ? true : nil } ?? false
            if stopped { return }
            // Commits after this point are synced next time round.
            state.withLock { $0.pending = false }
            sync()
        }
    }
}
