import GobProtocol
import GobStore
import GobSystem

/// One job as the daemon holds it. The ID, command, workdir and creation time never
/// change; each start is a new run (`runNumber`), which replaces the process fields.
struct Job: Sendable {
    let id: String
    let command: [OSString]
    let workdir: OSString
    /// The environment of the client that started the current run. Never stored (it may
    /// hold secrets): a job read back from the store gets the fallback environment until
    /// a client starts it again with its own.
    var environment: [OSString]
    /// Creation time with full precision, for sorting.
    let createdAtNanos: Int64
    /// Creation order, to break ties between equal times.
    let sequence: UInt64
    /// `<rt>/<id>.stdout.log` and `.stderr.log`: symbolic links to the current run's logs.
    let stdoutPath: String
    let stderrPath: String

    /// The number of the current (or last) run, counted from 1; 0 before the first.
    var runNumber: Int64 { didSet { wire = nil } }
    /// The boot the current run started in.
    var bootID: String
    /// PID of the most recent process, which is also its process group ID.
    var pid: Int32 { didSet { wire = nil } }
    /// When the OS started that process.
    var startTime: UInt64?
    /// The leader process has not been reaped yet.
    var running: Bool { didSet { wire = nil } }
    /// How the most recent process ended; nil while running, and for a run whose end was
    /// not seen (the machine or the daemon restarted).
    var end: ProcessEnd? { didSet { wire = nil } }
    /// How the current run ended, as history counts it; nil while it runs.
    var outcome: RunOutcome? { didSet { wire = nil } }
    /// Wall-clock start and end of the current (or last) process, nanoseconds. Their
    /// RFC 3339 texts are made only for a snapshot (and kept in `wire`): a daemon
    /// reading a thousand jobs back at start-up need not format three thousand times.
    var startedAtNanos: Int64 { didSet { wire = nil } }
    var endedAtNanos: Int64? { didSet { wire = nil } }
    /// Monotonic start of the current process, nanoseconds: its run time, which a change
    /// of the wall clock must not stretch or make negative, is measured from it.
    var startedMonotonic: Int64 = 0
    /// How long the last process ran, milliseconds; nil while it runs or when its end
    /// was not seen.
    var runTimeMilliseconds: Int64? { didSet { wire = nil } }
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
    /// tree, may remain: stop and nuke still end them, and the store keeps it for a
    /// daemon starting after a crash.
    var groupMayLinger: Bool
    /// What the job's history adds up to.
    var summary: RunSummary { didSet { wire = nil } }
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
            workdir: workdir, createdAt: Self.text(createdAtNanos), stdoutPath: stdoutPath, stderrPath: stderrPath,
            exitCode: exitCode, signal: signal, endedAt: endedAtNanos.map(Self.text),
            startedAt: Self.text(startedAtNanos), runTimeMilliseconds: runTimeMilliseconds,
            description: description, stoppedByGob: stoppedByGob,
            run: runNumber > 0 ? RunID.make(job: id, number: runNumber) : nil, runs: summary.runs,
            stats: summary.stats, estimate: summary.estimate, outcome: outcome,
            readyLog: ready?.log, readyTimeoutMilliseconds: ready?.timeoutMilliseconds,
            readiness: readiness?.rawValue, readyAt: readyAtText,
            readyAfterMilliseconds: readyAfterNanos.map { $0 / 1_000_000 },
            readyPort: ready?.port, readyListener: readyListener, ports: running ? ports : [], gobfileName: gobfileName)
    }

    /// A wall-clock time in nanoseconds as the snapshot's RFC 3339 text (whole seconds).
    static func text(_ nanoseconds: Int64) -> String {
        Timestamp.rfc3339(secondsSinceEpoch: nanoseconds / 1_000_000_000)
    }

    /// The snapshot's compact wire object, as `snapshot.json` writes it.
    var encodedSnapshot: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(640)
        snapshot.writeJSON(into: &bytes, logPaths: true, indent: nil, level: 0)
        return bytes
    }

    /// Newest first.
    static func newestFirst(_ a: Job, _ b: Job) -> Bool {
        if a.createdAtNanos != b.createdAtNanos { return a.createdAtNanos > b.createdAtNanos }
        return a.sequence > b.sequence
    }

    // MARK: The store's view

    /// The job's row in the store.
    var stored: StoredJob {
        StoredJob(
            id: id, sequence: Int64(bitPattern: sequence), command: command, workdir: workdir,
            createdAtNanos: createdAtNanos, description: description, lastRun: runNumber, summary: summary,
            ready: ready, gobfileName: gobfileName)
    }

    /// The current run's row in the store.
    var currentRun: RunRecord {
        var exitCode: Int32?
        var signal: Int32?
        switch end {
        case let .exited(code)?: exitCode = code
        case let .signaled(number)?: signal = number
        case nil: break
        }
        return RunRecord(
            jobID: id, number: runNumber, pid: pid, processStartTime: startTime, bootID: bootID,
            startedAtNanos: startedAtNanos, endedAtNanos: endedAtNanos, durationMilliseconds: runTimeMilliseconds,
            exitCode: exitCode, signal: signal, stoppedByGob: stoppedByGob, outcome: outcome,
            groupMayLinger: groupMayLinger)
    }

    /// A job read back from the store: stopped, its fields those of its latest run.
    init(loaded: LoadedJob, paths: RuntimePaths, environment: [OSString]) {
        let stored = loaded.job
        let run = loaded.latestRun
        id = stored.id
        command = stored.command
        workdir = stored.workdir
        self.environment = environment
        createdAtNanos = stored.createdAtNanos
        sequence = UInt64(bitPattern: stored.sequence)
        stdoutPath = paths.stdoutLog(stored.id)
        stderrPath = paths.stderrLog(stored.id)
        runNumber = run?.number ?? 0
        bootID = run?.bootID ?? ""
        pid = run?.pid ?? 0
        startTime = run?.processStartTime
        running = false
        if let code = run?.exitCode {
            end = .exited(code)
        } else if let signal = run?.signal {
            end = .signaled(signal)
        } else {
            end = nil
        }
        outcome = run?.outcome ?? .unknown
        startedAtNanos = run?.startedAtNanos ?? stored.createdAtNanos
        endedAtNanos = run?.endedAtNanos
        runTimeMilliseconds = run?.durationMilliseconds
        stoppedByGob = run?.stoppedByGob ?? false
        description = stored.description
        ready = stored.ready
        gobfileName = stored.gobfileName
        groupMayLinger = false
        summary = stored.summary
        busy = false
    }

    init(
        id: String, command: [OSString], workdir: OSString, environment: [OSString], createdAtNanos: Int64,
        sequence: UInt64, stdoutPath: String, stderrPath: String, bootID: String,
        description: String?
    ) {
        self.id = id
        self.command = command
        self.workdir = workdir
        self.environment = environment
        self.createdAtNanos = createdAtNanos
        self.sequence = sequence
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.bootID = bootID
        runNumber = 0
        pid = 0
        running = false
        startedAtNanos = createdAtNanos
        self.description = description
        groupMayLinger = false
        summary = RunSummary()
        busy = false
    }
}
