import GRDB
import GRDBSQLite
import GobProtocol

extension Store {
    public func write(_ changes: StoreChanges) throws(StoreError) -> [RunKey] {
        guard !changes.isEmpty else { return [] }
        do {
            return try queue.writeWithoutTransaction { db in try statements.write(changes, on: db.sqliteConnection) }
        } catch {
            throw Self.describe(error, path: path)
        }
    }
}

/// The statements of a write, prepared once on the store's connection and run through
/// SQLite's own interface: a write is on every `add`'s path, and it comes when the
/// daemon's caches are cold (it was idle since the last request), where GRDB's layers
/// (argument arrays of existentials, `Data` blobs, its transaction bookkeeping) took as
/// long as SQLite itself (in turn, 5 ms apart: ≈ 340 µs a write, ≈ 250 µs this way;
/// docs/performance.md). GRDB still opens, migrates and reads the database.
///
/// Used only inside the queue's serialized accesses, which is what makes it `Sendable`.
final class WriteStatements: @unchecked Sendable {
    private var prepared: Prepared?

    private struct Prepared {
        let begin: OpaquePointer
        let commit: OpaquePointer
        let rollback: OpaquePointer
        let deleteJob: OpaquePointer
        let upsertJob: OpaquePointer
        let upsertRun: OpaquePointer
        let deleteRun: OpaquePointer
        let pruneLogs: OpaquePointer
        let copyLatestRun: OpaquePointer

        var all: [OpaquePointer] {
            [begin, commit, rollback, deleteJob, upsertJob, upsertRun, deleteRun, pruneLogs, copyLatestRun]
        }
    }

    /// Writes `changes` in one transaction on `connection`: all of them or, on any error,
    /// none. Returns the runs whose logs it marked as pruned.
    func write(_ changes: StoreChanges, on connection: OpaquePointer?) throws -> [RunKey] {
        guard let connection else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the database is closed") }
        let statements = try prepare(on: connection)
        try Self.run(statements.begin, on: connection)
        do {
            var pruned: [RunKey] = []
            for (id, entry) in changes.entries {
                if entry.replacesStored {
                    var arguments = Arguments(statements.deleteJob, on: connection)
                    try arguments.bind(id)
                    try Self.run(statements.deleteJob, on: connection)
                }
                if let job = entry.job { try Self.upsert(job, with: statements.upsertJob, on: connection) }
                for run in entry.runs.values.sorted(by: { $0.number < $1.number }) {
                    try Self.upsert(run, with: statements.upsertRun, on: connection)
                }
                for number in entry.removedRuns {
                    var arguments = Arguments(statements.deleteRun, on: connection)
                    try arguments.bind(id)
                    try arguments.bind(number)
                    try Self.run(statements.deleteRun, on: connection)
                }
                if let through = entry.pruneLogsThrough {
                    var arguments = Arguments(statements.pruneLogs, on: connection)
                    try arguments.bind(id)
                    try arguments.bind(through)
                    try Self.run(statements.pruneLogs, on: connection) { row in
                        pruned.append(RunKey(jobID: id, number: sqlite3_column_int64(row, 0)))
                    }
                }
                if entry.job != nil || !entry.runs.isEmpty || entry.pruneLogsThrough != nil {
                    var arguments = Arguments(statements.copyLatestRun, on: connection)
                    try arguments.bind(id)
                    try Self.run(statements.copyLatestRun, on: connection)
                }
            }
            try Self.run(statements.commit, on: connection)
            return pruned
        } catch {
            // A failed statement or commit may have ended the transaction already.
            if sqlite3_get_autocommit(connection) == 0 { try? Self.run(statements.rollback, on: connection) }
            throw error
        }
    }

    /// Finalizes the statements, before the connection closes (which refuses while any
    /// is left); the next write prepares them again.
    func finalize() {
        prepared?.all.forEach { sqlite3_finalize($0) }
        prepared = nil
    }

    deinit { finalize() }

    private func prepare(on connection: OpaquePointer) throws -> Prepared {
        if let prepared { return prepared }
        var made: [OpaquePointer] = []
        func statement(_ sql: String) throws -> OpaquePointer {
            var statement: OpaquePointer?
            let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
            guard code == SQLITE_OK, let statement else {
                let error = Self.error(code, on: connection)
                made.forEach { sqlite3_finalize($0) }
                throw error
            }
            made.append(statement)
            return statement
        }
        let result = Prepared(
            begin: try statement("BEGIN IMMEDIATE"),
            commit: try statement("COMMIT"),
            rollback: try statement("ROLLBACK"),
            deleteJob: try statement("DELETE FROM job WHERE id = ?"),
            upsertJob: try statement(Self.upsertJob),
            upsertRun: try statement(Self.upsertRun),
            deleteRun: try statement("DELETE FROM run WHERE job_id = ? AND number = ?"),
            pruneLogs: try statement("""
                UPDATE run SET logs_pruned = 1
                WHERE job_id = ? AND number <= ? AND logs_pruned = 0 RETURNING number
                """),
            copyLatestRun: try statement(Self.copyLatestRun))
        prepared = result
        return result
    }

    /// Runs `statement` to its end (handing each row it returns to `row`), then resets it
    /// and clears its arguments, also when it failed.
    private static func run(
        _ statement: OpaquePointer, on connection: OpaquePointer, row: (OpaquePointer) -> Void = { _ in }
    ) throws {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_ROW {
                row(statement)
                continue
            }
            if code == SQLITE_DONE { return }
            throw error(code, on: connection)
        }
    }

    /// SQLite's failure `code` as GRDB reports it, so that `Store.describe` words it.
    static func error(_ code: Int32, on connection: OpaquePointer) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
    }

    private static func upsert(_ job: StoredJob, with statement: OpaquePointer, on connection: OpaquePointer) throws {
        var arguments = Arguments(statement, on: connection)
        let summary = job.summary
        try arguments.bind(job.id)
        try arguments.bind(job.sequence)
        try arguments.bind(blob: Coding.command(job.command))
        try arguments.bind(blob: job.workdir.bytes)
        try arguments.bind(job.createdAtNanos)
        try arguments.bind(job.description)
        try arguments.bind(job.lastRun)
        try arguments.bind(summary.runs)
        try arguments.bind(summary.successes)
        try arguments.bind(summary.failures)
        try arguments.bind(blob: Coding.durations(summary.successDurations))
        try arguments.bind(blob: Coding.durations(summary.failureDurations))
        try arguments.bind(job.ready?.log)
        try arguments.bind(job.ready?.port.map(Int64.init))
        try arguments.bind(job.ready?.timeoutMilliseconds)
        try arguments.bind(job.gobfileName)
        try run(statement, on: connection)
    }

    private static func upsert(_ run: RunRecord, with statement: OpaquePointer, on connection: OpaquePointer) throws {
        var arguments = Arguments(statement, on: connection)
        try arguments.bind(run.jobID)
        try arguments.bind(run.number)
        try arguments.bind(Int64(run.pid))
        try arguments.bind(Int64(run.pgid))
        try arguments.bind(run.processStartTime.map { Int64(bitPattern: $0) })
        try arguments.bind(run.bootID)
        try arguments.bind(run.startedAtNanos)
        try arguments.bind(run.endedAtNanos)
        try arguments.bind(run.durationMilliseconds)
        try arguments.bind(run.exitCode.map(Int64.init))
        try arguments.bind(run.signal.map(Int64.init))
        try arguments.bind(run.stoppedByGob)
        try arguments.bind(run.outcome?.rawValue)
        try arguments.bind(run.groupMayLinger)
        try arguments.bind(run.logsPruned)
        try Self.run(statement, on: connection)
    }

    static let upsertJob = """
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
        """

    static let upsertRun = """
        INSERT INTO run (job_id, number, pid, pgid, process_start, boot_id, started_at, ended_at, duration_ms,
            exit_code, signal, stopped_by_gob, outcome, group_lingers, logs_pruned)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (job_id, number) DO UPDATE SET
            pid = excluded.pid, pgid = excluded.pgid, process_start = excluded.process_start,
            boot_id = excluded.boot_id, started_at = excluded.started_at, ended_at = excluded.ended_at,
            duration_ms = excluded.duration_ms, exit_code = excluded.exit_code, signal = excluded.signal,
            stopped_by_gob = excluded.stopped_by_gob, outcome = excluded.outcome,
            group_lingers = excluded.group_lingers, logs_pruned = max(run.logs_pruned, excluded.logs_pruned)
        """

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
}

/// Binds a statement's parameters in order, each copied by SQLite.
private struct Arguments {
    private let statement: OpaquePointer
    private let connection: OpaquePointer
    private var index: Int32 = 0

    /// SQLite's "copy the value now" destructor.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: OpaquePointer, on connection: OpaquePointer) {
        self.statement = statement
        self.connection = connection
    }

    mutating func bind(_ value: Int64?) throws {
        let (statement, index) = advance()
        guard let value else { return try check(sqlite3_bind_null(statement, index)) }
        try check(sqlite3_bind_int64(statement, index, value))
    }

    mutating func bind(_ value: Bool) throws {
        try bind(Int64(value ? 1 : 0))
    }

    /// Text, as many bytes as its UTF-8 has.
    mutating func bind(_ value: String?) throws {
        let (statement, index) = advance()
        guard var value else { return try check(sqlite3_bind_null(statement, index)) }
        // No pointer would bind NULL: empty text gets a literal's.
        if value.isEmpty { return try check(sqlite3_bind_text(statement, index, "", 0, Self.transient)) }
        try check(value.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { text in
                sqlite3_bind_text(statement, index, text.baseAddress, Int32(text.count), Self.transient)
            }
        })
    }

    /// A blob, empty rather than NULL when `bytes` is (no pointer would bind NULL).
    mutating func bind(blob bytes: [UInt8]) throws {
        let (statement, index) = advance()
        try check(bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return sqlite3_bind_zeroblob(statement, index, 0) }
            return sqlite3_bind_blob(statement, index, base, Int32(buffer.count), Self.transient)
        })
    }

    /// The statement and the next parameter's index.
    private mutating func advance() -> (OpaquePointer, Int32) {
        index += 1
        return (statement, index)
    }

    private func check(_ code: Int32) throws {
        if code != SQLITE_OK { throw WriteStatements.error(code, on: connection) }
    }
}
