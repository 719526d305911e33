import Foundation
import GRDB
import GobProtocol

extension Store {
    /// The columns of `run` in the order `runRecord(_:at:)` reads them.
    static let runColumns = """
        run.job_id, run.number, run.pid, run.pgid, run.process_start, run.boot_id, run.started_at, run.ended_at,
        run.duration_ms, run.exit_code, run.signal, run.stopped_by_gob, run.outcome, run.group_lingers, run.logs_pruned
        """

    /// Every job with its latest run, in creation order: what a starting daemon holds.
    /// It reads one row per job and its latest run by the primary key, never the whole
    /// history.
    public func load() throws(StoreError) -> [LoadedJob] {
        try access { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT job.id, job.sequence, job.command, job.workdir, job.created_at, job.description, job.run_count,
                    job.success_count, job.failure_count, job.success_durations, job.failure_durations, job.last_run,
                    \(Self.runColumns)
                FROM job LEFT JOIN run ON run.job_id = job.id AND run.number = job.last_run
                ORDER BY job.sequence
                """)
            var jobs: [LoadedJob] = []
            while let row = try rows.next() {
                let job = Self.storedJob(row)
                let run: RunRecord? = (row[12] as String?) == nil ? nil : Self.runRecord(row, at: 12)
                jobs.append(LoadedJob(job: job, latestRun: run))
            }
            return jobs
        }
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

    static func storedJob(_ row: Row) -> StoredJob {
        let command: Data = row[2] ?? Data()
        let workdir: Data = row[3] ?? Data()
        return StoredJob(
            id: row[0] ?? "", sequence: row[1] ?? 0, command: Coding.command(from: [UInt8](command)),
            workdir: OSString(bytes: [UInt8](workdir)), createdAtNanos: row[4] ?? 0, description: row[5],
            lastRun: row[11] ?? 0,
            summary: RunSummary(
                runs: row[6] ?? 0, successes: row[7] ?? 0, failures: row[8] ?? 0,
                successDurations: Coding.durations(from: row[9] ?? ""),
                failureDurations: Coding.durations(from: row[10] ?? "")))
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
