import Glibc
import Synchronization

/// The children a sandbox spawned and nobody has reaped yet: teardown kills and reaps
/// those the test left running. Their PIDs stay theirs until reaped, so signalling them
/// by PID is safe.
final class SpawnedChildren: Sendable {
    private let running = Mutex<[pid_t: String]>([:])

    /// Spawns with `body` and records the child, atomically with respect to `all`.
    func spawning(_ command: String, _ body: () throws -> pid_t) throws -> pid_t {
        try running.withLock { running in
            let pid = try body()
            running[pid] = command
            return pid
        }
    }

    func reaped(_ pid: pid_t) { _ = running.withLock { $0.removeValue(forKey: pid) } }

    func command(of pid: pid_t) -> String { running.withLock { $0[pid] } ?? "PID \(pid)" }

    var all: [pid_t] { running.withLock { Array($0.keys) } }
}
