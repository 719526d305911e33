import Glibc
import GobProject
import GobProtocol
import GobStore
import GobSystem
import Logging
import Synchronization

/// An error a job operation reports to the client: the message for people and the code
/// clients decide on.
public struct SupervisorError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public let code: ErrorCode
    public init(_ description: String, code: ErrorCode) {
        self.description = description
        self.code = code
    }

    static func notFound(_ id: String) -> SupervisorError { SupervisorError("job not found: \(id)", code: .notFound) }

    static let shuttingDown = SupervisorError(
        "failed to start process: the gob daemon is shutting down", code: .shuttingDown)
}

/// Owns the job table and every job process.
///
/// State lives behind one lock that is only held for short work in memory: never a file,
/// a database, a spawn, a `/proc` scan or a wait. A start reserves its job under the lock,
/// opens the logs and spawns outside it, then records the process; an exit the reaper
/// reports in between is parked until its spawner claims it. Every change of a job then
/// passes through one path (`JobSupervisor+Changes`), which keeps the wire cache, the
/// store (the jobs, their runs and what a daemon starting after a crash needs) and the
/// event order. Operations that wait — a stop giving a process group up to 15 s — mark
/// only their job busy and sleep on the lock's condition, so every other request is
/// served meanwhile.
public final class JobSupervisor: Sendable {
    struct State {
        var jobs: [String: Job] = [:] {
            didSet { generation &+= 1 }
        }
        /// Counts the changes to `jobs`, so a kept `list` body knows when it is stale.
        var generation: UInt64 = 0
        /// The last `list` body written, with the scope and generation it was written at:
        /// a list asked for again while nothing changed is sent as it is.
        var listBody: (scope: OSString?, generation: UInt64, bytes: [UInt8])?
        /// The same for what `listRendering` made of such a body.
        var listRendering: (scope: OSString?, generation: UInt64, bytes: [UInt8])?
        /// Running leaders, for exit reports.
        var jobByPID: [Int32: String] = [:]
        /// Each job's current (or last) process, with the handle its group is reached by.
        var processes: [String: LaunchedProcess] = [:]
        /// Jobs that ended while members of their group may remain.
        var lingering: Set<String> = []
        var nextSequence: UInt64 = 0
        /// The daemon is shutting down: no process may start any more.
        var closed = false

        /// IDs no new job may take: jobs being created (with their workdir and command,
        /// which `run` matches), and removed jobs whose logs are still being deleted.
        var reservations: [String: Reservation] = [:]
        /// Starts between their reservation and their record; while there are any, the
        /// exits of PIDs no job claims are parked, as they may be such a start's.
        var launchesInFlight = 0
        /// Exit statuses of unclaimed PIDs, with the reap count at which they came.
        var parked: [Int32: (status: Int32, reap: UInt64)] = [:]
        /// Counts the reaps reported.
        var reapCount: UInt64 = 0

        /// The change path's outbox: events in the order of the changes, not yet delivered.
        var outbox: [JobEvent] = []
        /// Number of the last change, and of the last one delivered.
        var changeCount: UInt64 = 0
        var committedCount: UInt64 = 0
        /// A thread is writing to the store and delivering events.
        var committing = false
        /// What the store has yet to be told: the changes since the last write, and those
        /// of writes that failed, which the next write carries again.
        var storeChanges = StoreChanges()
        /// Runs whose logs are made current (`<rt>` links) by the next commit.
        var newRuns: [(id: String, number: Int64)] = []
        /// The last change the store holds.
        var storeWrittenThrough: UInt64 = 0
        /// Why the store's last write failed, for the error of the request it fails.
        var storeError: StoreError?
        /// The `<rt>` links of jobs read back from the store are being made: requests
        /// that hand out log paths wait for them.
        var linksPending = false
        /// The ID the next new job takes, picked ahead, and whether its `<rt>` links are
        /// made (`JobSupervisor+NextJob.swift`).
        var nextJob: (id: String, linked: Bool)?
        /// The thread that keeps `nextJob` ready runs, and whether it is to stop.
        var preparesNextJob = false
        var nextJobStopped = false
        /// A start took `nextJob`: the thread makes the next one once that start's reply
        /// is out (`prepareAhead`).
        var nextJobTaken = false

        /// A fresh job ID: none of a job, a reservation or the next job picked ahead.
        func unusedJobID() -> String {
            JobID.unique { jobs[$0] != nil || reservations[$0] != nil || $0 == nextJob?.id }
        }
    }

    /// Why an ID is taken while no job of it is in the table.
    struct Reservation {
        /// The job being created; nil while a removed job's logs are deleted.
        var creating: Job?
    }

    let state = ConditionLock(State())
    /// Counts the occasions for the next job's thread to look again (its ID taken, the
    /// daemon closing): it sleeps on this, not on every change of the table. A leaf lock,
    /// taken under `state` but never the other way round.
    let nextJobPokes = ConditionLock<UInt64>(0)
    /// Held while a job's `<rt>` links are pointed at a run, so that a repair of all links
    /// (`relinkAll`) never points one back at an older run; taken before `state`, never
    /// while holding it.
    let linkLock = Mutex(())
    /// What a start calls when the state database is gone (`JobSupervisor+StateLoss`).
    let stateLossHandler = Mutex<StateLossHandler?>(nil)
    let launcher: any ProcessLauncher
    let bus: EventBus
    let paths: RuntimePaths
    /// Where every job, run and history lives; nil in tests that need none (a job's
    /// history is then its current run).
    let store: (any JobStore)?
    /// Where runs' logs live (`<state>/logs`), and the state directory's descriptor when
    /// there is one.
    let logs: LogFiles
    /// When given, the `<rt>` links to each job's current logs are made through this
    /// descriptor of `<rt>`.
    let directory: RuntimeDirectory?
    /// Syncs the store's write-ahead log after commits.
    let flusher: WALFlusher?
    /// Which runs keep their logs.
    let retention: LogRetention
    /// Keeps each stream and all logs together under their limits.
    let logLimiter: LogLimiter
    /// The boot runs start in.
    let bootID: String
    let logger: Logger
    let clock: @Sendable () -> Int64
    /// Grace periods of a stop: SIGTERM, then SIGKILL.
    let termGrace: Int64
    let killGrace: Int64
    /// Watches the runs of jobs with a readiness rule (`JobSupervisor+Readiness`).
    let readiness: ReadinessWatcher
    /// Finds each job's whole process tree; nil where processes are not real (tests with
    /// a fake launcher): then a job is its process group.
    let trees: JobTrees?
    /// When the ports of running jobs are looked up; nil without `trees`.
    let portSchedule: PortSchedule?
    /// Refuses starts of the commands a project's gobfile blocks (`JobSupervisor+Blocking`).
    let blockedCommands: BlockedCommands

    /// - Parameters:
    ///   - store: where jobs and runs are kept; nil in tests.
    ///   - logs: where runs' logs go.
    ///   - clock: wall-clock nanoseconds since the epoch, for IDs and timestamps.
    ///   - trees: finds jobs' process trees; nil: a job is its process group.
    ///   - home: where the search for a job's gobfile stops at the latest (besides a
    ///     repository root): the daemon's `$HOME`.
    public init(
        launcher: any ProcessLauncher, bus: EventBus, paths: RuntimePaths, store: (any JobStore)?, logs: LogFiles,
        directory: RuntimeDirectory? = nil, flusher: WALFlusher? = nil, retention: LogRetention = LogRetention(),
        bootID: String = BootID.current(),
        logger: Logger, clock: @escaping @Sendable () -> Int64 = Timestamp.nowNanoseconds,
        termGrace: Double = 10, killGrace: Double = 5, trees: JobTrees? = nil,
        home: OSString? = GobfileLocator.homeDirectory()
    ) {
        blockedCommands = BlockedCommands(home: home)
        self.launcher = launcher
        self.bus = bus
        self.paths = paths
        self.store = store
        self.logs = logs
        self.directory = directory
        self.flusher = flusher
        self.retention = retention
        logLimiter = LogLimiter(logs: logs, limits: retention, logger: logger)
        self.bootID = bootID
        self.logger = logger
        self.clock = clock
        self.termGrace = MonotonicClock.seconds(termGrace)
        self.killGrace = MonotonicClock.seconds(killGrace)
        readiness = ReadinessWatcher(logger: logger) { [logs] path in logs.openForReading(path) }
        self.trees = trees
        portSchedule = trees == nil ? nil : PortSchedule()
        readiness.connect { [weak self] report in self?.readinessReported(report) }
        portSchedule?.attach { [weak self] work in self?.performPortLookups(work) }
        connectLogLimiter()
    }

    // MARK: Queries

    /// Jobs of `workdir` (all when nil), newest first.
    public func list(workdir: OSString?) -> [JobSnapshot] {
        state.withLock { state in
            // Sort light keys, not whole job records: lists of thousands stay quick.
            state.jobs.values.lazy
                .filter { workdir == nil || $0.workdir == workdir }
                .map { (key: ($0.createdAtNanos, $0.sequence), id: $0.id) }
                .sorted { $0.key > $1.key }
                .compactMap { state.jobs[$0.id]?.snapshot }
        }
    }

    /// The wire objects of the jobs of `workdir` (all when nil), newest first and
    /// comma-separated: the body of a `list` reply. Each job's bytes are kept until the
    /// job changes (`Job.wire`), and the whole body until any job does, so a list of
    /// thousands hands back kept bytes, which the caller copies outside the lock.
    public func listBody(workdir: OSString?) -> [UInt8] {
        state.withLock { state in
            if let kept = state.listBody, kept.generation == state.generation, kept.scope == workdir {
                return kept.bytes
            }
            // Sort plain keys that point into a list of table positions: never copies of
            // job records, nor table indices, which cost reference counting as they move.
            var positions: [Dictionary<String, Job>.Index] = []
            var order: [(created: Int64, sequence: UInt64, slot: Int)] = []
            positions.reserveCapacity(state.jobs.count)
            order.reserveCapacity(state.jobs.count)
            var size = 0
            for index in state.jobs.indices where workdir == nil || state.jobs.values[index].workdir == workdir {
                order.append((state.jobs.values[index].createdAtNanos, state.jobs.values[index].sequence, positions.count))
                positions.append(index)
                if state.jobs.values[index].wire == nil { state.jobs.values[index].wire = state.jobs.values[index].encodedSnapshot }
                size += (state.jobs.values[index].wire?.count ?? 0) + 1
            }
            order.sort { ($0.created, $0.sequence) > ($1.created, $1.sequence) }
            // Exactly the room the body takes: growing it copied hundreds of kilobytes.
            var body: [UInt8] = []
            body.reserveCapacity(size)
            for (n, key) in order.enumerated() {
                if n > 0 { body.append(UInt8(ascii: ",")) }
                if let wire = state.jobs.values[positions[key.slot]].wire { body.append(contentsOf: wire) }
            }
            state.listBody = (workdir, state.generation, body)
            return body
        }
    }

    /// `render` of the `list` body of `workdir` (every job when nil), made once for each
    /// state of the table and scope and then given out as it is: `list_json` replies,
    /// whose transcoding a thousand jobs make take a millisecond or two, run outside the
    /// lock.
    public func listRendering(workdir: OSString?, _ render: ([UInt8]) -> [UInt8]) -> [UInt8] {
        let (kept, generation) = state.withLock { state -> ([UInt8]?, UInt64) in
            guard let kept = state.listRendering, kept.generation == state.generation, kept.scope == workdir else {
                return (nil, state.generation)
            }
            return (kept.bytes, state.generation)
        }
        if let kept { return kept }
        let made = render(listBody(workdir: workdir))
        state.withLock { state in
            if state.generation == generation { state.listRendering = (workdir, generation, made) }
        }
        return made
    }

    public func job(_ id: String) throws(SupervisorError) -> JobSnapshot {
        guard let snapshot = state.withLock({ $0.jobs[id]?.snapshot }) else { throw .notFound(id) }
        return snapshot
    }

    public var jobCount: Int { state.withLock { $0.jobs.count } }

    /// How many jobs there are, and how many of them run: what `status` reports, counted
    /// without making a snapshot of each.
    public var jobCounts: (all: Int, running: Int) {
        state.withLock { state in (state.jobs.count, state.jobs.values.reduce(0) { $0 + ($1.running ? 1 : 0) }) }
    }

    /// No job exists and none is being created: what lets a `nuke` that leaves no job end the daemon.
    public var isEmpty: Bool {
        state.withLock { state in state.jobs.isEmpty && !state.reservations.values.contains { $0.creating != nil } }
    }

    /// Refuses every later start, so the shutdown's final nuke stops everything there is.
    public func close() {
        state.withLockBroadcasting { $0.closed = true }
        nextJobPokes.withLockBroadcasting { $0 += 1 }
    }

    public var runningCount: Int { state.withLock { $0.jobs.values.filter(\.running).count } }

    // MARK: Exits

    /// Records the end of a reaped process (called by the reaper for every child): the
    /// job's exit status, `job_stopped`, and wakes operations waiting for its group.
    public func processExited(pid: Int32, status: Int32) {
        let owner = state.withLock { state -> (id: String, process: LaunchedProcess)? in
            state.reapCount += 1
            if let id = state.jobByPID.removeValue(forKey: pid), let job = state.jobs[id], job.pid == pid, job.running {
                return (id, state.processes[id] ?? LaunchedProcess(pid: pid, startTime: job.startTime))
            }
            // Maybe a start's process that ended before its spawner recorded it.
            if state.launchesInFlight > 0 { state.parked[pid] = (status, state.reapCount) }
            return nil
        }
        if let owner {
            // Outside the lock: asking about the group is a system call per group; about
            // adopted processes, a read of the daemon's children.
            let lingers = launcher.groupMayHaveMembers(owner.process) || hasAdoptedProcesses(owner.id, cheap: true)
            state.withLockBroadcasting { state in
                _ = markEnded(owner.id, pid: pid, status: status, lingers: lingers, in: &state)
            }
        }
        // Any reap may be the last member of a lingering group.
        let lingering = state.withLock { state in
            state.lingering.compactMap { id in state.processes[id].map { (id: id, process: $0) } }
        }
        let adopted = jobsWithAdoptedProcesses(among: Set(lingering.map { $0.id }), cheap: true)
        let emptied = lingering.filter { !launcher.groupMayHaveMembers($0.process) && !adopted.contains($0.id) }
        if !emptied.isEmpty {
            state.withLockBroadcasting { state in
                for group in emptied { clearLingering(group.id, pid: group.process.pid, in: &state) }
            }
        }
        commit(waiting: false)
    }

    /// Applies the end of job `id`'s process `pid`; the change's number, or nil when the
    /// job no longer runs that process.
    @discardableResult
    func markEnded(_ id: String, pid: Int32, status: Int32, lingers: Bool, in state: inout State) -> UInt64? {
        guard var job = state.jobs[id], job.pid == pid, job.running else { return nil }
        let now = clock()
        let end = ProcessEnd(waitStatus: status)
        let milliseconds = (MonotonicClock.now() - job.startedMonotonic) / 1_000_000
        job.running = false
        job.end = end
        job.endedAtNanos = now
        job.runTimeMilliseconds = milliseconds
        job.groupMayLinger = lingers
        job.stoppedByGob = job.stopRequested
        var exitCode: Int32?
        if case let .exited(code) = end { exitCode = code }
        let outcome = RunOutcome.of(exitCode: exitCode, stoppedByGob: job.stoppedByGob)
        job.outcome = outcome
        job.summary.runEnded(outcome, milliseconds: milliseconds)
        if job.readiness == .waiting { job.readiness = .endedBeforeReady }
        job.ports = []
        if state.jobByPID[pid] == id { state.jobByPID[pid] = nil }
        return apply(.stopped(job), in: &state)
    }

    /// Forgets that job `id`'s group (led by `pid`) may linger: it was found empty.
    func clearLingering(_ id: String, pid: Int32, in state: inout State) {
        guard var job = state.jobs[id], job.pid == pid, job.groupMayLinger, !job.running else { return }
        job.groupMayLinger = false
        apply(.updated(job), in: &state)
    }

    // MARK: Per-job exclusion

    /// Runs `body` while job `id` is marked busy, waiting for any other operation on it.
    func withJob<T>(_ id: String, _ body: () throws(SupervisorError) -> T) throws(SupervisorError) -> T {
        let exists = state.wait { state -> Bool? in
            guard let job = state.jobs[id] else { return false }
            if job.busy { return nil }
            state.jobs[id]?.busy = true
            return true
        }
        guard exists == true else { throw .notFound(id) }
        defer { state.withLockBroadcasting { $0.jobs[id]?.busy = false } }
        return try body()
    }
}
