import GobProtocol
import GobSystem

/// One job as the daemon holds it. The ID, command, workdir and creation time never
/// change; each (re)start replaces the process fields.
struct Job: Sendable {
    let id: String
    let command: [OSString]
    let workdir: OSString
    var environment: [OSString]
    /// Creation time with full precision, for sorting (contract §1.8).
    let createdAtNanos: Int64
    /// Creation order, to break ties between equal times.
    let sequence: UInt64
    let createdAtText: String
    let stdoutPath: String
    let stderrPath: String

    /// PID of the most recent process, which is also its process group ID.
    var pid: Int32 { didSet { wire = nil } }
    /// When the OS started that process (Decision D14).
    var startTime: UInt64?
    /// The leader process has not been reaped yet.
    var running: Bool { didSet { wire = nil } }
    /// How the most recent process ended (Decision D1); nil while running.
    var end: ProcessEnd? { didSet { wire = nil } }
    var endedAtText: String? { didSet { wire = nil } }
    /// Wall-clock start and end of the current (or last) process, nanoseconds.
    var startedAtNanos: Int64 {
        didSet {
            startedAtText = Timestamp.rfc3339(secondsSinceEpoch: startedAtNanos / 1_000_000_000)
            wire = nil
        }
    }
    /// `startedAtNanos` as RFC 3339, kept with it: `list` reports it for every job.
    private(set) var startedAtText: String
    var endedAtNanos: Int64?
    /// Monotonic start and end of that process, nanoseconds: its run time, which a change
    /// of the wall clock must not stretch or make negative.
    var startedMonotonic: Int64 = 0
    var endedMonotonic: Int64? { didSet { wire = nil } }
    /// gob asked the current process to stop (stop, restart, nuke, shutdown): its end
    /// will be reported as gob's doing, not the job's.
    var stopRequested: Bool = false
    /// The last process ended after gob asked it to stop.
    var stoppedByGob: Bool = false { didSet { wire = nil } }
    /// A one-line note (`add -d`), kept across restarts.
    var description: String? { didSet { wire = nil } }
    /// When the job counts as ready, kept across runs; nil: it has no rule.
    var ready: ReadinessRule? { didSet { wire = nil } }
    /// Where the current run stands with `ready`; nil without a rule.
    var readiness: Readiness? { didSet { wire = nil } }
    /// When the current run became ready: wall clock as RFC 3339, and how long after the
    /// run's start (monotonic, like the run time).
    var readyAtText: String? { didSet { wire = nil } }
    var readyAfterNanos: Int64? { didSet { wire = nil } }
    /// A line of the current run matched the rule's pattern, while its port part had yet
    /// to hold (a rule with both waits for both).
    var readyLogSeen = false
    /// The listening socket that made the current run ready, for a rule with a port.
    var readyListener: ListeningPort? { didSet { wire = nil } }
    /// The gobfile entry the job was started from (`gob up`); nil for other jobs.
    var gobfileName: String? { didSet { wire = nil } }
    /// The leader has ended but members of its process group, or other processes of its
    /// tree, may remain: stop and nuke still end them, and the record of live groups
    /// keeps it.
    var groupMayLinger: Bool
    /// A start, stop, restart, removal or nuke is working on this job; others wait.
    var busy: Bool
    /// The snapshot's compact wire object, kept until a field it shows changes (each of
    /// those fields clears it): `list` then copies bytes instead of encoding thousands of
    /// jobs again.
    var wire: [UInt8]?
    /// The sockets the current run's tree listened on at the last lookup.
    var ports: [ListeningPort] = [] { didSet { wire = nil } }

    /// Whether any process of this job's group may still be alive.
    var mayHaveProcesses: Bool { running || groupMayLinger }

    var snapshot: JobSnapshot {
        var exitCode: Int32?
        var signal: String?
        switch end {
        case let .exited(code)?: exitCode = code
        case let .signaled(number)?: signal = SignalName.name(of: number)
        case nil: break
        }
        return JobSnapshot(
            id: id, pid: pid, status: running ? .running : .stopped, command: command,
            workdir: workdir, createdAt: createdAtText, stdoutPath: stdoutPath, stderrPath: stderrPath,
            exitCode: exitCode, signal: signal, endedAt: endedAtText,
            startedAt: startedAtText,
            runTimeMilliseconds: endedMonotonic.map { ($0 - startedMonotonic) / 1_000_000 },
            description: description, stoppedByGob: stoppedByGob,
            readyLog: ready?.log, readyTimeoutMilliseconds: ready?.timeoutMilliseconds,
            readiness: readiness?.rawValue, readyAt: readyAtText,
            readyAfterMilliseconds: readyAfterNanos.map { $0 / 1_000_000 },
            readyPort: ready?.port, readyListener: readyListener, ports: running ? ports : [], gobfileName: gobfileName)
    }

    /// The snapshot's compact wire object, as `snapshot.json` writes it.
    var encodedSnapshot: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        snapshot.writeJSON(into: &bytes, logPaths: true, indent: nil, level: 0)
        return bytes
    }

    /// Newest first.
    static func newestFirst(_ a: Job, _ b: Job) -> Bool {
        if a.createdAtNanos != b.createdAtNanos { return a.createdAtNanos > b.createdAtNanos }
        return a.sequence > b.sequence
    }
}
