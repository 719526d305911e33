import GobProtocol

/// One run of a job as the store keeps it: enough to show it, to count it, and — while it
/// runs — for a later daemon to find its processes again (PID, process group, the
/// process's start time and the boot it belongs to).
public struct RunRecord: Sendable, Equatable {
    public var jobID: String
    /// 1, 2, … in the order the job was started.
    public var number: Int64
    public var pid: Int32
    /// The process group: the leader's PID, as every job leads its own group.
    public var pgid: Int32
    /// The leader's start time in clock ticks after boot (`/proc/<pid>/stat` field 22),
    /// which tells whether a PID still names this process.
    public var processStartTime: UInt64?
    /// `/proc/sys/kernel/random/boot_id` of the boot the run started in.
    public var bootID: String
    /// Wall-clock start and end, nanoseconds since the epoch.
    public var startedAtNanos: Int64
    public var endedAtNanos: Int64?
    /// How long it ran (monotonic clock), milliseconds.
    public var durationMilliseconds: Int64?
    public var exitCode: Int32?
    /// The number of the signal that ended it.
    public var signal: Int32?
    public var stoppedByGob: Bool
    /// Nil while it runs.
    public var outcome: RunOutcome?
    /// The leader has ended but members of its group may remain: a daemon starting
    /// after a crash still has them to end.
    public var groupMayLinger: Bool
    /// Its log files were deleted; the record stays.
    public var logsPruned: Bool

    public init(
        jobID: String, number: Int64, pid: Int32, pgid: Int32? = nil, processStartTime: UInt64?, bootID: String,
        startedAtNanos: Int64, endedAtNanos: Int64? = nil, durationMilliseconds: Int64? = nil, exitCode: Int32? = nil,
        signal: Int32? = nil, stoppedByGob: Bool = false, outcome: RunOutcome? = nil, groupMayLinger: Bool = false,
        logsPruned: Bool = false
    ) {
        self.jobID = jobID
        self.number = number
        self.pid = pid
        self.pgid = pgid ?? pid
        self.processStartTime = processStartTime
        self.bootID = bootID
        self.startedAtNanos = startedAtNanos
        self.endedAtNanos = endedAtNanos
        self.durationMilliseconds = durationMilliseconds
        self.exitCode = exitCode
        self.signal = signal
        self.stoppedByGob = stoppedByGob
        self.outcome = outcome
        self.groupMayLinger = groupMayLinger
        self.logsPruned = logsPruned
    }

    /// `<job>-<n>`.
    public var id: String { RunID.make(job: jobID, number: number) }

    /// Whether processes of this run may still be alive: its leader, or its group.
    public var mayHaveProcesses: Bool { outcome == nil || groupMayLinger }
}
