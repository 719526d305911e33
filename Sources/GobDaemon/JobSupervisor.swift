#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol
import Logging

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
}

/// Owns the job table and every job process (contract §4.6–4.8, Decisions D1, D4, D5, D7).
///
/// State lives behind one lock that is only held for short, non-blocking work (a spawn
/// included, so an exit can never be reported before its job is recorded). Operations
/// that wait — a stop giving a process group up to 15 s — mark only their job busy and
/// sleep on the lock's condition, so every other request is served meanwhile (D5).
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
        /// Running leaders, for exit reports.
        var jobByPID: [Int32: String] = [:]
        var nextSequence: UInt64 = 0
        /// The daemon is shutting down: no process may start any more.
        var closed = false
    }

    let state = ConditionLock(State())
    let launcher: any ProcessLauncher
    let bus: EventBus
    let paths: RuntimePaths
    let record: JobGroupRecord?
    let logger: Logger
    let clock: @Sendable () -> Int64
    /// Grace periods of a stop (Decision D4): SIGTERM, then SIGKILL.
    let termGrace: Int64
    let killGrace: Int64

    /// - Parameters:
    ///   - clock: wall-clock nanoseconds since the epoch, for IDs and timestamps.
    ///   - record: where live process groups are written (D14); nil in tests.
    public init(
        launcher: any ProcessLauncher, bus: EventBus, paths: RuntimePaths, record: JobGroupRecord?,
        logger: Logger, clock: @escaping @Sendable () -> Int64 = Timestamp.nowNanoseconds,
        termGrace: Double = 10, killGrace: Double = 5
    ) {
        self.launcher = launcher
        self.bus = bus
        self.paths = paths
        self.record = record
        self.logger = logger
        self.clock = clock
        self.termGrace = MonotonicClock.seconds(termGrace)
        self.killGrace = MonotonicClock.seconds(killGrace)
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

    /// Appends the wire objects of the jobs of `workdir` (all when nil), newest first and
    /// comma-separated, to `out`: the body of a `list` reply. Each job's bytes are kept
    /// until the job changes (`Job.wire`), and the whole body until any job does, so a
    /// list of thousands is mostly copying.
    public func writeList(workdir: OSString?, into out: inout [UInt8]) {
        state.withLock { state in
            if let kept = state.listBody, kept.generation == state.generation, kept.scope == workdir {
                out.append(contentsOf: kept.bytes)
                return
            }
            // Sort plain keys that point into a list of table positions: never copies of
            // job records, nor table indices, which cost reference counting as they move.
            var positions: [Dictionary<String, Job>.Index] = []
            var order: [(created: Int64, sequence: UInt64, slot: Int)] = []
            positions.reserveCapacity(state.jobs.count)
            order.reserveCapacity(state.jobs.count)
            for index in state.jobs.indices where workdir == nil || state.jobs.values[index].workdir == workdir {
                order.append((state.jobs.values[index].createdAtNanos, state.jobs.values[index].sequence, positions.count))
                positions.append(index)
            }
            order.sort { ($0.created, $0.sequence) > ($1.created, $1.sequence) }
            var body: [UInt8] = []
            body.reserveCapacity(order.count * 400)
            for (n, key) in order.enumerated() {
                let index = positions[key.slot]
                if n > 0 { body.append(UInt8(ascii: ",")) }
                if let wire = state.jobs.values[index].wire {
                    body.append(contentsOf: wire)
                } else {
                    let wire = state.jobs.values[index].encodedSnapshot
                    state.jobs.values[index].wire = wire
                    body.append(contentsOf: wire)
                }
            }
            state.listBody = (workdir, state.generation, body)
            out.append(contentsOf: body)
        }
    }

    public func job(_ id: String) throws(SupervisorError) -> JobSnapshot {
        guard let snapshot = state.withLock({ $0.jobs[id]?.snapshot }) else { throw .notFound(id) }
        return snapshot
    }

    public var jobCount: Int { state.withLock { $0.jobs.count } }

    /// Refuses every later start, so the shutdown's final nuke stops everything there is.
    public func close() {
        state.withLockBroadcasting { $0.closed = true }
    }

    public var runningCount: Int { state.withLock { $0.jobs.values.filter(\.running).count } }

    // MARK: Creating and starting

    /// Creates a job and starts its process (`add`, and `run` without a reusable job).
    public func add(_ spec: JobSpec) throws(SupervisorError) -> JobSnapshot {
        try state.withLockBroadcasting { state throws(SupervisorError) in try create(spec, in: &state) }
    }

    /// `run`: restarts the newest stopped job of the same workdir and argv, refuses when such
    /// a job is running, otherwise creates one (contract §2.4). Returns the job and whether
    /// an existing one was restarted.
    public func run(_ spec: JobSpec) throws(SupervisorError) -> (job: JobSnapshot, restarted: Bool) {
        while true {
            let outcome = try state.withLockBroadcasting { state throws(SupervisorError) -> (JobSnapshot, Bool)? in
                let matches = state.jobs.values
                    .filter { $0.workdir == spec.workdir && $0.command == spec.command }
                    .sorted(by: Job.newestFirst)
                if let reusable = matches.first(where: { !$0.mayHaveProcesses && !$0.busy }) {
                    // The old description stays unless a new one is given.
                    if let description = spec.description { state.jobs[reusable.id]?.description = description }
                    return (try spawn(reusable.id, environment: spec.environment, in: &state, event: .jobStarted), true)
                }
                if let running = matches.first(where: \.running) {
                    throw SupervisorError("job \(running.id) is already running with the same command", code: .alreadyRunning)
                }
                if matches.contains(where: \.busy) { return nil }
                return (try create(spec, in: &state), false)
            }
            if let done = outcome { return done }
            // A matching job is being worked on: wait for it, then decide again.
            _ = state.wait(recheckEvery: MonotonicClock.seconds(0.05)) { state in
                state.jobs.values.contains { $0.workdir == spec.workdir && $0.command == spec.command && $0.busy }
                    ? nil : true
            }
        }
    }

    /// `start`: a stopped job gets a new process (contract §2.7).
    public func start(_ id: String, environment: [OSString]?) throws(SupervisorError) -> JobSnapshot {
        try withJob(id) { () throws(SupervisorError) in
            // What the previous process left in its group goes first (D4), so the job
            // never has two generations of processes.
            if let job = state.withLock({ $0.jobs[id] }), !job.running, job.groupMayLinger {
                try terminateGroup(of: id, pgid: job.pid, force: false)
            }
            return try state.withLockBroadcasting { state throws(SupervisorError) in
                guard let job = state.jobs[id] else { throw .notFound(id) }
                if job.running {
                    throw SupervisorError(
                        "job \(id) is already running (use 'gob restart' to restart a running job)", code: .alreadyRunning)
                }
                return try spawn(id, environment: environment, in: &state, event: .jobStarted)
            }
        }
    }

    /// Makes a new job in `state` and starts it; nothing is left behind when that fails.
    private func create(_ spec: JobSpec, in state: inout State) throws(SupervisorError) -> JobSnapshot {
        let now = clock()
        let jobs = state.jobs
        let id = JobID.unique { jobs[$0] != nil }
        let job = Job(
            id: id, command: spec.command, workdir: spec.workdir,
            environment: spec.environment ?? Self.fallbackEnvironment,
            createdAtNanos: now, sequence: state.nextSequence,
            createdAtText: Timestamp.rfc3339(secondsSinceEpoch: now / 1_000_000_000),
            stdoutPath: paths.stdoutLog(id), stderrPath: paths.stderrLog(id),
            pid: 0, startTime: nil, running: false, end: nil, endedAtText: nil,
            startedAtNanos: now, startedAtText: Timestamp.rfc3339(secondsSinceEpoch: now / 1_000_000_000),
            endedAtNanos: nil, description: spec.description,
            groupMayLinger: false, busy: false)
        state.nextSequence += 1
        state.jobs[id] = job
        do {
            return try spawn(id, environment: nil, in: &state, event: .jobAdded)
        } catch {
            state.jobs[id] = nil
            _ = unlink(job.stdoutPath)
            _ = unlink(job.stderrPath)
            throw error
        }
    }

    /// The environment of a job created by a client that sent none (a raw protocol client):
    /// never the daemon's own (Decision D3), but enough to find common programs.
    static let fallbackEnvironment: [OSString] = ["PATH=/usr/local/bin:/usr/bin:/bin"]

    /// Starts a new process for job `id` (logs truncated), records it and emits `event`.
    func spawn(
        _ id: String, environment: [OSString]?, in state: inout State, event: JobEvent.Kind
    ) throws(SupervisorError) -> JobSnapshot {
        guard var job = state.jobs[id] else { throw .notFound(id) }
        // A process started now would outlive the shutdown's final stop.
        if state.closed { throw SupervisorError("failed to start process: the gob daemon is shutting down", code: .shuttingDown) }
        if let environment { job.environment = environment }
        let spec = LaunchSpec(
            command: job.command, workdir: job.workdir, environment: job.environment,
            stdoutPath: job.stdoutPath, stderrPath: job.stderrPath)
        let process: LaunchedProcess
        do {
            process = try launcher.launch(spec)
        } catch {
            state.jobs[id] = job
            throw SupervisorError(error.description, code: .spawnFailed)
        }
        job.pid = process.pid
        job.startTime = process.startTime
        job.running = true
        job.end = nil
        job.endedAtText = nil
        job.startedAtNanos = clock()
        job.endedAtNanos = nil
        job.groupMayLinger = false
        job.stopRequested = false
        job.stoppedByGob = false
        state.jobs[id] = job
        state.jobByPID[process.pid] = id
        writeRecord(state)
        bus.publish(JobEvent(kind: event, job: job.snapshot))
        return job.snapshot
    }

    // MARK: Exits

    /// Records the end of a reaped process (called by the reaper for every child): the
    /// job's exit status (D1), `job_stopped`, and wakes operations waiting for its group.
    public func processExited(pid: Int32, status: Int32) {
        state.withLockBroadcasting { state in
            var changed = false
            if let id = state.jobByPID.removeValue(forKey: pid), var job = state.jobs[id], job.pid == pid {
                changed = true
                let now = clock()
                job.running = false
                job.end = ProcessEnd(waitStatus: status)
                job.endedAtNanos = now
                job.endedAtText = Timestamp.rfc3339(secondsSinceEpoch: now / 1_000_000_000)
                job.groupMayLinger = launcher.groupExists(pid)
                job.stoppedByGob = job.stopRequested
                state.jobs[id] = job
                bus.publish(JobEvent(kind: .jobStopped, job: job.snapshot))
            }
            // Any reap may be the last member of a lingering group.
            for (id, job) in state.jobs where job.groupMayLinger && !launcher.groupExists(job.pid) {
                state.jobs[id]?.groupMayLinger = false
                changed = true
            }
            if changed { writeRecord(state) }
        }
    }

    /// Rewrites the D14 record from the table; called with the lock held.
    func writeRecord(_ state: State) {
        guard let record else { return }
        let entries = state.jobs.values.compactMap { job -> JobGroupRecord.Entry? in
            guard job.mayHaveProcesses, let start = job.startTime else { return nil }
            return JobGroupRecord.Entry(pgid: job.pid, startTime: start)
        }
        record.write(entries.sorted { $0.pgid < $1.pgid })
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
