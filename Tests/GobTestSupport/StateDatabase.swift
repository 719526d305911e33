import Foundation
import GRDB
import GobProtocol
import GobStore

/// A sandbox's state database seen from outside the daemon (which must not be running):
/// what a test plants in it, or does to it, before the next daemon opens it.
public enum StateDatabase {
    /// Makes the database at `path` look migrated by a newer gob (a migration this gob
    /// does not know, schema version one past its own).
    public static func markNewer(_ path: String, version: Int) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v\(version)')")
            try db.execute(sql: "PRAGMA user_version = \(version)")
        }
        try queue.close()
    }

    /// Makes `path` another program's SQLite database.
    public static func makeForeign(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')") }
        try queue.close()
    }

    /// Records, in the database at `path`, a job whose only run is still running with the
    /// given PID, process start time and boot id: what a daemon killed at that moment
    /// leaves.
    public static func plantRunningRun(_ path: String, job: String, workdir: String, pid: Int32, startTime: UInt64, bootID: String) throws {
        let store = try Store.open(path: path)
        defer { store.close() }
        var changes = StoreChanges()
        changes.replace(StoredJob(
            id: job, sequence: 0, command: ["sleep", "300"], workdir: OSString(workdir), createdAtNanos: Timestamp.nowNanoseconds(),
            description: nil, lastRun: 1, summary: RunSummary(runs: 1)))
        changes.write(RunRecord(
            jobID: job, number: 1, pid: pid, processStartTime: startTime, bootID: bootID,
            startedAtNanos: Timestamp.nowNanoseconds()))
        _ = try store.write(changes)
    }

    /// The boot id the daemon of a sandbox records runs under.
    public static var currentBootID: String {
        (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
    }
}
