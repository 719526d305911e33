import Foundation
import GRDB
import GobProtocol

extension Store {
    public func write(_ changes: StoreChanges) throws(StoreError) -> [RunKey] {
        guard !changes.isEmpty else { return [] }
        return try transaction { db in
            var pruned: [RunKey] = []
            for (id, entry) in changes.entries {
                if entry.replacesStored {
                    try db.cachedStatement(sql: "DELETE FROM job WHERE id = ?").execute(arguments: [id])
                }
                if let job = entry.job { try Self.upsert(job, in: db) }
                for run in entry.runs.values.sorted(by: { $0.number < $1.number }) {
                    try Self.upsert(run, in: db)
                }
                for number in entry.removedRuns {
                    try db.cachedStatement(sql: "DELETE FROM run WHERE job_id = ? AND number = ?")
                        .execute(arguments: [id, number])
                }
                if let through = entry.pruneLogsThrough {
                    let numbers = try Int64.fetchAll(
                        db.cachedStatement(sql: """
                            UPDATE run SET logs_pruned = 1
                            WHERE job_id = ? AND number <= ? AND logs_pruned = 0 RETURNING number
                            """),
                        arguments: [id, through])
                    pruned += numbers.map { RunKey(jobID: id, number: $0) }
                }
                if entry.job != nil || !entry.runs.isEmpty || entry.pruneLogsThrough != nil {
                    try db.cachedStatement(sql: Self.copyLatestRun).execute(arguments: [id])
                }
            }
            return pruned
        }
    }

    /// Copies the job's latest run (by `last_run`) into its `latest_` columns, NULL when
    /// there is none, after the job or its runs were written: one statement for every
    /// kind of change, so the copy cannot disagree with the run within a transaction.
    static let copyLatestRun = """
        UPDATE job SET (latest_pid, latest_pgid, latest_process_start, latest_boot_id, latest_started_at,
            latest_ended_at, latest_duration_ms, latest_exit_code, latest_signal, latest_stopped_by_gob, latest_outcome,
            latest_group_lingers, latest_logs_pruned) = (
            SELECT pid, pgid, process_start, boot_id, started_at, ended_at, duration_ms, exit_code, signal,
                stopped_by_gob, outcome, group_lingers, logs_pruned
            FROM run WHERE run.job_id = job.id AND run.number = job.last_run)
        WHERE id = ?
        """

    static func upsert(_ job: StoredJob, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO job (id, sequence, command, workdir, created_at, description, last_run, run_count, success_count,
                failure_count, success_durations, failure_durations, ready_log, ready_port, ready_timeout_ms, gobfile_name)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                sequence = excluded.sequence, command = excluded.command, workdir = excluded.workdir,
                created_at = excluded.created_at, description = excluded.description, last_run = excluded.last_run,
                run_count = excluded.run_count,
                success_count = excluded.success_count, failure_count = excluded.failure_count,
                success_durations = excluded.success_durations, failure_durations = excluded.failure_durations,
                ready_log = excluded.ready_log, ready_port = excluded.ready_port,
                ready_timeout_ms = excluded.ready_timeout_ms, gobfile_name = excluded.gobfile_name
            """)
        let summary = job.summary
        try statement.execute(arguments: [
            job.id, job.sequence, Data(Coding.command(job.command)), Data(job.workdir.bytes), job.createdAtNanos,
            job.description, job.lastRun, summary.runs, summary.successes, summary.failures,
            Data(Coding.durations(summary.successDurations)), Data(Coding.durations(summary.failureDurations)),
            job.ready?.log, job.ready?.port, job.ready?.timeoutMilliseconds, job.gobfileName,
        ])
    }

    static func upsert(_ run: RunRecord, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO run (job_id, number, pid, pgid, process_start, boot_id, started_at, ended_at, duration_ms,
                exit_code, signal, stopped_by_gob, outcome, group_lingers, logs_pruned)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (job_id, number) DO UPDATE SET
                pid = excluded.pid, pgid = excluded.pgid, process_start = excluded.process_start,
                boot_id = excluded.boot_id, started_at = excluded.started_at, ended_at = excluded.ended_at,
                duration_ms = excluded.duration_ms, exit_code = excluded.exit_code, signal = excluded.signal,
                stopped_by_gob = excluded.stopped_by_gob, outcome = excluded.outcome,
                group_lingers = excluded.group_lingers, logs_pruned = max(run.logs_pruned, excluded.logs_pruned)
            """)
        try statement.execute(arguments: [
            run.jobID, run.number, run.pid, run.pgid, run.processStartTime.map { Int64(bitPattern: $0) }, run.bootID,
            run.startedAtNanos, run.endedAtNanos, run.durationMilliseconds, run.exitCode, run.signal,
            run.stoppedByGob, run.outcome?.rawValue, run.groupMayLinger, run.logsPruned,
        ])
    }
}

/// How values that SQLite has no type for are stored.
enum Coding {
    /// An argv as one BLOB: the words separated by NUL bytes, which no word can hold.
    static func command(_ words: [OSString]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (n, word) in words.enumerated() {
            if n > 0 { bytes.append(0) }
            bytes += word.bytes
        }
        return bytes
    }

    /// The words of a stored argv, read in one pass over SQLite's bytes.
    static func command(from bytes: UnsafeRawBufferPointer) -> [OSString] {
        var words: [OSString] = []
        words.reserveCapacity(bytes.reduce(1) { $1 == 0 ? $0 + 1 : $0 })
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0 {
            words.append(OSString(bytes: Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))))
            start = index + 1
        }
        return words
    }

    /// Milliseconds as little-endian 64-bit integers, one after the other.
    static func durations(_ values: [Int64]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 8)
        for value in values { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        return bytes
    }

    static func durations(from bytes: UnsafeRawBufferPointer) -> [Int64] {
        let count = bytes.count / 8
        guard count > 0 else { return [] }
        // Decoded on the stack, then copied into the array in one go: the array's
        // `unsafeUninitializedCapacity` initializer allocated through an unspecialized
        // generic path, ≈ 650 instructions a call, two calls for each job a daemon reads
        // back at start-up.
        return withUnsafeTemporaryAllocation(of: Int64.self, capacity: count) { values in
            for index in 0..<count {
                values[index] = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: Int64.self))
            }
            return Array(values)
        }
    }
}
