-- A state database of schema version 2, as gob wrote it: schema 1's jobs and runs, and
-- the columns of version 2 (a job's readiness rule and gobfile entry), set for job 'e7p'
-- (ready when a line matches 'ready in' and port 5173 listens, within 30 s; started by
-- `gob up` from the entry 'web').
-- Never edit it: a later schema version adds its own fixture beside it, and the tests
-- open every fixture with the newest gob.
PRAGMA application_id = 1735352865;
PRAGMA user_version = 2;
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
INSERT INTO grdb_migrations VALUES('v1');
INSERT INTO grdb_migrations VALUES('v2');
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
, ready_log TEXT, ready_port INTEGER, ready_timeout_ms INTEGER, gobfile_name TEXT);
INSERT INTO job VALUES('a26',0,X'6d616b650074657374',X'2f776f726b2f617070',1796161159393091663,NULL,4,4,3,1,X'b0040000000000001405000000000000e204000000000000',X'9001000000000000',9332,9332,758555,'boot-1',1796161189505546496,1796161190755546496,1250,0,NULL,0,'success',0,0,NULL,NULL,NULL,NULL);
INSERT INTO job VALUES('e7p',1,X'6e706d0072756e00646576',X'2f776f726b2f617070',1796161159473869740,'web UI on :5173',2,2,0,0,X'',X'',9351,9351,758700,'boot-1',1796161199474503716,NULL,NULL,NULL,NULL,0,NULL,0,0,'ready in',5173,30000,'web');
INSERT INTO job VALUES('q0z',2,X'6563686f00ff',X'2f776f726b2f617070',1796161159501483539,NULL,1,1,0,0,X'',X'',9360,9360,758800,'boot-1',1796161159501483539,1796161159502483539,1,0,NULL,0,'success',0,0,NULL,NULL,NULL,NULL);
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
INSERT INTO run VALUES('a26',1,9321,9321,758544,'boot-1',1796161159393805618,1796161160593805618,1200,0,NULL,0,'success',0,1);
INSERT INTO run VALUES('a26',2,9325,9325,758547,'boot-1',1796161169426584982,1796161170726584982,1300,0,NULL,0,'success',0,0);
INSERT INTO run VALUES('a26',3,9329,9329,758552,'boot-1',1796161179474503716,1796161179874503716,400,2,NULL,0,'failure',0,0);
INSERT INTO run VALUES('a26',4,9332,9332,758555,'boot-1',1796161189505546496,1796161190755546496,1250,0,NULL,0,'success',0,0);
INSERT INTO run VALUES('e7p',1,9340,9340,758600,'boot-1',1796161159474503716,1796161160474503716,1000,NULL,15,1,'stopped',0,0);
INSERT INTO run VALUES('e7p',2,9351,9351,758700,'boot-1',1796161199474503716,NULL,NULL,NULL,NULL,0,NULL,0,0);
INSERT INTO run VALUES('q0z',1,9360,9360,758800,'boot-1',1796161159501483539,1796161159502483539,1,0,NULL,0,'success',0,0);
CREATE INDEX run_open ON run(job_id, number) WHERE outcome IS NULL OR group_lingers = 1;
CREATE INDEX run_with_logs ON run(job_id, number) WHERE logs_pruned = 0;
