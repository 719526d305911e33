import GRDB

/// The database's tables, one migration per schema version. A migration, once shipped,
/// never changes: a later version adds one, and `Tests/GobStoreTests/Fixtures` keeps a
/// database of every version, which the tests migrate to the newest.
enum Schema {
    /// The newest schema version: the number of migrations.
    static let version = 2

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in try version1(db) }
        migrator.registerMigration("v2") { db in try version2(db) }
        return migrator
    }()

    /// Jobs, and their runs.
    ///
    /// `job` holds what a job is (command and directory as bytes, the argv NUL-separated),
    /// the number of its latest run, a summary of its history (counts, and the latest
    /// durations of successful and failed runs, milliseconds as little-endian 64-bit
    /// integers, read back without parsing text) and a copy of its latest run's row (the
    /// `latest_` columns, all NULL before the first run), kept up to date by every write,
    /// so that start-up reads the `job` table alone: looking a thousand latest runs up
    /// among a hundred thousand took longer than the rest of the start. `run` holds each
    /// run; while it runs (`outcome` NULL) or its group may linger, enough to find its
    /// processes again.
    private static func version1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE job (
                id TEXT PRIMARY KEY NOT NULL,
                sequence INTEGER NOT NULL,
                command BLOB NOT NULL,
                workdir BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                description TEXT,
                last_run INTEGER NOT NULL DEFAULT 0,
                run_count INTEGER NOT NULL DEFAULT 0,
                success_count INTEGER NOT NULL DEFAULT 0,
                failure_count INTEGER NOT NULL DEFAULT 0,
                success_durations BLOB NOT NULL DEFAULT x'',
                failure_durations BLOB NOT NULL DEFAULT x'',
                latest_pid INTEGER,
                latest_pgid INTEGER,
                latest_process_start INTEGER,
                latest_boot_id TEXT,
                latest_started_at INTEGER,
                latest_ended_at INTEGER,
                latest_duration_ms INTEGER,
                latest_exit_code INTEGER,
                latest_signal INTEGER,
                latest_stopped_by_gob INTEGER,
                latest_outcome TEXT,
                latest_group_lingers INTEGER,
                latest_logs_pruned INTEGER
            );
            CREATE TABLE run (
                job_id TEXT NOT NULL REFERENCES job(id) ON DELETE CASCADE,
                number INTEGER NOT NULL,
                pid INTEGER NOT NULL,
                pgid INTEGER NOT NULL,
                process_start INTEGER,
                boot_id TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                ended_at INTEGER,
                duration_ms INTEGER,
                exit_code INTEGER,
                signal INTEGER,
                stopped_by_gob INTEGER NOT NULL DEFAULT 0,
                outcome TEXT,
                group_lingers INTEGER NOT NULL DEFAULT 0,
                logs_pruned INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (job_id, number)
            ) WITHOUT ROWID;
            CREATE INDEX run_open ON run(job_id, number) WHERE outcome IS NULL OR group_lingers = 1;
            CREATE INDEX run_with_logs ON run(job_id, number) WHERE logs_pruned = 0;
            PRAGMA application_id = \(Store.applicationID);
            PRAGMA user_version = 1;
            """)
    }

    /// What a job keeps besides its command: its readiness rule (`ready_log`, `ready_port`,
    /// `ready_timeout_ms`, all NULL without one) and the gobfile entry it was started from.
    private static func version2(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE job ADD COLUMN ready_log TEXT;
            ALTER TABLE job ADD COLUMN ready_port INTEGER;
            ALTER TABLE job ADD COLUMN ready_timeout_ms INTEGER;
            ALTER TABLE job ADD COLUMN gobfile_name TEXT;
            PRAGMA user_version = 2;
            """)
    }
}
