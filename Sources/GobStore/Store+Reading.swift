import Foundation
import GRDB
import GRDBSQLite
import GobProtocol

extension Store {
    /// The columns of `run` in the order `runRecord(_:at:)` reads them.
    static let runColumns = """
        run.job_id, run.number, run.pid, run.pgid, run.process_start, run.boot_id, run.started_at, run.ended_at,
        run.duration_ms, run.exit_code, run.signal, run.stopped_by_gob, run.outcome, run.group_lingers, run.logs_pruned
        """

    /// Every job with its latest run, in creation order (`forEachJob`, collected and sorted).
    public func load() throws(StoreError) -> [LoadedJob] {
        var jobs: [LoadedJob] = []
        // Sized once: grown row by row, the array was copied into fresh memory a dozen
        // times, each page of it a fault.
        jobs.reserveCapacity(try jobCount())
        try forEachJob { jobs.append($0) }
        // Sorted here rather than by SQLite, which would sort the whole rows in a
        // temporary tree; rows come in insertion order, which is nearly this one, and
        // often exactly: then one look suffices.
        if !jobs.indices.dropFirst().allSatisfy({ jobs[$0 - 1].job.sequence < jobs[$0].job.sequence }) {
            jobs.sort { $0.job.sequence < $1.job.sequence }
        }
        return jobs
    }

    /// How many jobs there are.
    public func jobCount() throws(StoreError) -> Int {
        try access { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM job") ?? 0 }
    }

    /// Hands every job with its latest run to `body`, in no particular order: what a
    /// starting daemon holds. It reads the `job` table alone, whose rows carry a copy of
    /// their latest run, never the history. The rows are read straight from SQLite's
    /// statement, column by column: a thousand jobs took milliseconds through GRDB's `Row`,
    /// most of a cold start.
    public func forEachJob(_ body: (consuming LoadedJob) -> Void) throws(StoreError) {
        try access { db in
            let statement = try db.makeStatement(sql: """
                SELECT id, sequence, command, workdir, created_at, description, run_count, success_count, failure_count,
                    success_durations, failure_durations, last_run, latest_pid, latest_pgid, latest_process_start,
                    latest_boot_id, latest_started_at, latest_ended_at, latest_duration_ms, latest_exit_code,
                    latest_signal, latest_stopped_by_gob, latest_outcome, latest_group_lingers, latest_logs_pruned,
                    ready_log, ready_port, ready_timeout_ms, gobfile_name
                FROM job
                """)
            let s = statement.sqliteStatement
            while true {
                let rc = sqlite3_step(s)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let column = Columns(statement: s)
                // Columns declared NOT NULL are read without asking for their type
                // first; `number` reads NULL as 0, as `integer(_:) ?? 0` did.
                let job = StoredJob(
                    id: column.string(0), sequence: column.number(1),
                    command: column.withBlob(2, Coding.command(from:)), workdir: OSString(bytes: column.blob(3)),
                    createdAtNanos: column.number(4), description: column.text(5), lastRun: column.number(11),
                    summary: RunSummary(
                        runs: column.number(6), successes: column.number(7), failures: column.number(8),
                        successDurations: column.withBlob(9, Coding.durations(from:)),
                        failureDurations: column.withBlob(10, Coding.durations(from:))),
                    ready: Self.rule(log: column.text(25), port: column.integer(26), timeout: column.integer(27)),
                    gobfileName: column.text(28))
                // A run's start time is never NULL: a NULL copy means no run yet.
                let run: RunRecord? = column.isNull(16) ? nil : RunRecord(
                    jobID: job.id, number: job.lastRun,
                    pid: Int32(truncatingIfNeeded: column.number(12)),
                    pgid: Int32(truncatingIfNeeded: column.number(13)),
                    processStartTime: column.integer(14).map { UInt64(bitPattern: $0) }, bootID: column.string(15),
                    startedAtNanos: column.number(16), endedAtNanos: column.integer(17),
                    durationMilliseconds: column.integer(18),
                    exitCode: column.integer(19).map { Int32(truncatingIfNeeded: $0) },
                    signal: column.integer(20).map { Int32(truncatingIfNeeded: $0) },
                    stoppedByGob: column.number(21) != 0,
                    outcome: column.text(22).flatMap(RunOutcome.init(rawValue:)),
                    groupMayLinger: column.number(23) != 0, logsPruned: column.number(24) != 0)
                body(LoadedJob(job: job, latestRun: run))
            }
        }
    }

    /// A job's readiness rule from its columns; nil when it has none (no pattern and no
    /// port), or when they do not make a rule gob would accept.
    static func rule(log: String?, port: Int64?, timeout: Int64?) -> ReadinessRule? {
        guard log != nil || port != nil else { return nil }
        if let port, !(0...65535).contains(port) { return nil }
        return ReadinessRule(
            log: log, port: port.map { Int($0) },
            timeoutMilliseconds: timeout.flatMap { $0 > 0 ? $0 : nil } ?? ReadinessRule.defaultTimeoutMilliseconds)
    }

    /// Runs that may still have processes: not ended, or ended with members of their
    /// group possibly alive. What a daemon starting after an unclean end looks at.
    public func openRuns() throws(StoreError) -> [RunRecord] {
        try access { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.runColumns) FROM run WHERE outcome IS NULL OR group_lingers = 1")
                .map { Self.runRecord($0, at: 0) }
        }
    }

    public func runs(ofJob jobID: String, limit: Int?) throws(StoreError) -> [RunRecord] {
        try access { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT \(Self.runColumns) FROM run WHERE job_id = ? ORDER BY number DESC LIMIT ?"),
                arguments: [jobID, limit ?? -1]
            ).map { Self.runRecord($0, at: 0) }
        }
    }

    public func run(ofJob jobID: String, number: Int64) throws(StoreError) -> RunRecord? {
        try access { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.runColumns) FROM run WHERE job_id = ? AND number = ?"),
                arguments: [jobID, number]
            ).map { Self.runRecord($0, at: 0) }
        }
    }

    public func summary(ofJob jobID: String, excluding excluded: Int64?) throws(StoreError) -> RunSummary {
        // No run has number 0: excluding it excludes none.
        let skipped = excluded ?? 0
        return try access { db in
            let counts = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*), count(*) FILTER (WHERE outcome = 'success'), count(*) FILTER (WHERE outcome = 'failure')
                    FROM run WHERE job_id = ? AND number <> ?
                    """,
                arguments: [jobID, skipped])
            func latest(_ outcome: RunOutcome) throws -> [Int64] {
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT duration_ms FROM run
                        WHERE job_id = ? AND number <> ? AND outcome = ? AND duration_ms IS NOT NULL
                        ORDER BY number DESC LIMIT ?
                        """,
                    arguments: [jobID, skipped, outcome.rawValue, RunSummary.kept]
                ).reversed()
            }
            return RunSummary(
                runs: counts?[0] ?? 0, successes: counts?[1] ?? 0, failures: counts?[2] ?? 0,
                successDurations: try latest(.success), failureDurations: try latest(.failure))
        }
    }

    /// The columns of the current row of a statement being stepped.
    private struct Columns {
        let statement: SQLiteStatement

        func isNull(_ index: Int32) -> Bool { sqlite3_column_type(statement, index) == SQLITE_NULL }

        func integer(_ index: Int32) -> Int64? {
            isNull(index) ? nil : sqlite3_column_int64(statement, index)
        }

        /// An integer column, NULL read as 0.
        func number(_ index: Int32) -> Int64 { sqlite3_column_int64(statement, index) }

        func text(_ index: Int32) -> String? {
            // NULL comes back as a null pointer.
            guard let text = sqlite3_column_text(statement, index) else { return nil }
            return String(cString: text)
        }

        /// A text column, NULL read as "".
        func string(_ index: Int32) -> String { text(index) ?? "" }

        func blob(_ index: Int32) -> [UInt8] { withBlob(index) { Array($0) } }

        /// The column's bytes where SQLite holds them, valid only during `body`.
        func withBlob<T>(_ index: Int32, _ body: (UnsafeRawBufferPointer) -> T) -> T {
            // The pointer first, then the size, as SQLite asks.
            let bytes = sqlite3_column_blob(statement, index)
            let count = bytes == nil ? 0 : Int(sqlite3_column_bytes(statement, index))
            return body(UnsafeRawBufferPointer(start: bytes, count: count))
        }
    }

    /// The run whose columns (`runColumns`) start at `base` in `row`.
    static func runRecord(_ row: Row, at base: Int) -> RunRecord {
        let start: Int64? = row[base + 4]
        let outcome: String? = row[base + 12]
        return RunRecord(
            jobID: row[base] ?? "", number: row[base + 1] ?? 0, pid: row[base + 2] ?? 0, pgid: row[base + 3] ?? 0,
            processStartTime: start.map { UInt64(bitPattern: $0) }, bootID: row[base + 5] ?? "",
            startedAtNanos: row[base + 6] ?? 0, endedAtNanos: row[base + 7], durationMilliseconds: row[base + 8],
            exitCode: row[base + 9], signal: row[base + 10], stoppedByGob: row[base + 11] ?? false,
            outcome: outcome.flatMap(RunOutcome.init(rawValue:)), groupMayLinger: row[base + 13] ?? false,
            logsPruned: row[base + 14] ?? false)
    }
}
