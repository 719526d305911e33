/// One run of a job as the daemon reports it (`runs`, `get_run`): when it started and
/// ended, how, and where its output is.
public struct RunSnapshot: Sendable, Equatable {
    /// `<job>-<n>`.
    public var id: String
    public var jobID: String
    public var number: Int64
    public var pid: Int32
    /// RFC 3339, whole seconds, the daemon's local time zone.
    public var startedAt: String
    /// Nil while it runs.
    public var endedAt: String?
    /// How long it ran, in milliseconds; nil while it runs.
    public var runTimeMilliseconds: Int64?
    public var exitCode: Int32?
    /// Name of the signal that ended it (`"SIGKILL"`).
    public var signal: String?
    public var stoppedByGob: Bool
    /// Nil while it runs.
    public var outcome: RunOutcome?
    /// Its logs were deleted to keep the newest runs' logs only; the record stays.
    public var logsPruned: Bool
    /// The run's own log files (the job's `stdout_path` names the current run's).
    public var stdoutPath: String
    public var stderrPath: String

    public init(
        id: String, jobID: String, number: Int64, pid: Int32, startedAt: String, endedAt: String? = nil,
        runTimeMilliseconds: Int64? = nil, exitCode: Int32? = nil, signal: String? = nil, stoppedByGob: Bool = false,
        outcome: RunOutcome? = nil, logsPruned: Bool = false, stdoutPath: String, stderrPath: String
    ) {
        self.id = id
        self.jobID = jobID
        self.number = number
        self.pid = pid
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.runTimeMilliseconds = runTimeMilliseconds
        self.exitCode = exitCode
        self.signal = signal
        self.stoppedByGob = stoppedByGob
        self.outcome = outcome
        self.logsPruned = logsPruned
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    /// Whether the run's process has not ended yet.
    public var isRunning: Bool { outcome == nil }

    /// The wire object, in this key order.
    public var json: JSON {
        .object([
            ("id", .string(id)),
            ("job_id", .string(jobID)),
            ("number", .int(number)),
            ("pid", .int(Int64(pid))),
            ("status", .string(isRunning ? "running" : "stopped")),
            ("started_at", .string(startedAt)),
            ("ended_at", endedAt.map(JSON.string) ?? .null),
            ("run_time_ms", runTimeMilliseconds.map(JSON.int) ?? .null),
            ("exit_code", exitCode.map { .int(Int64($0)) } ?? .null),
            ("signal", signal.map(JSON.string) ?? .null),
            ("stopped_by_gob", .bool(stoppedByGob)),
            ("outcome", outcome.map { .string($0.rawValue) } ?? .null),
            ("logs_pruned", .bool(logsPruned)),
            ("stdout_path", .string(stdoutPath)),
            ("stderr_path", .string(stderrPath)),
        ])
    }

    /// Reads a run object; nil when its ID, job, number or start is missing.
    public init?(json: JSON) {
        guard let id = json["id"]?.stringValue, let jobID = json["job_id"]?.stringValue,
              let number = json["number"]?.intValue, let startedAt = json["started_at"]?.stringValue
        else { return nil }
        self.init(
            id: id, jobID: jobID, number: number, pid: Int32(truncatingIfNeeded: json["pid"]?.intValue ?? 0),
            startedAt: startedAt, endedAt: json["ended_at"]?.stringValue,
            runTimeMilliseconds: json["run_time_ms"]?.intValue,
            exitCode: json["exit_code"]?.intValue.map { Int32(truncatingIfNeeded: $0) },
            signal: json["signal"]?.stringValue, stoppedByGob: json["stopped_by_gob"]?.boolValue ?? false,
            outcome: json["outcome"]?.stringValue.flatMap(RunOutcome.init(rawValue:)),
            logsPruned: json["logs_pruned"]?.boolValue ?? false,
            stdoutPath: json["stdout_path"]?.stringValue ?? "", stderrPath: json["stderr_path"]?.stringValue ?? "")
    }
}
