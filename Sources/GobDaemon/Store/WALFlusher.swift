import Glibc
import GobProtocol
import GobSystem

/// Makes committed changes reach the disk soon after their commit without making any
/// request wait for it: the database commits with `synchronous=NORMAL` (no `fsync` per
/// commit, which costs ≈ 2.7 ms on this machine's disk and would double `gob add`), and
/// this thread syncs the write-ahead log right after each burst of commits. A machine
/// that loses power then loses at most the changes of the last few milliseconds; the
/// database still opens, holding an earlier state clients were told about.
///
/// Idle, the thread sleeps on its condition: no wake-ups, no CPU.
public final class WALFlusher: Sendable {
    private struct State {
        /// Commits happened since the last sync began.
        var pending = false
        var stopped = false
    }

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
                if state.pending {
                    state.pending = false
                    return true
                }
                return state.stopped ? false : nil
            }
            guard work == true else { return }
            sync()
        }
    }
}
