import Glibc
import GobProtocol
import GobStore
import GobSystem

/// Creating jobs and starting their processes. Each start is three steps: reserve under
/// the lock (a new job's ID, or an existing job held busy), open the logs and spawn
/// outside it, then record the process under it again and commit the change.
extension JobSupervisor {
    /// `add` and `run`: a new run of the newest stopped job of the same workdir and argv,
    /// or, when there is none, a new job. When every match is running, `add` starts a
    /// second instance beside them, and `run` (`refusingRunning`) refuses with
    /// `already_running`. Returns the job and whether an existing one was started again.
    public func submit(_ spec: JobSpec, refusingRunning: Bool = false) throws(SupervisorError) -> (job: JobSnapshot, restarted: Bool) {
        try checkStateInPlace()
        try blockedCommands.check(command: spec.command, workdir: spec.workdir)
        enum Decision {
            case reuse(String)
            case create(PendingJob)
            case wait
        }
        while true {
            let decision = try state.withLock { state throws(SupervisorError) -> Decision in
                let matches = Self.matches(of: spec, in: state.jobs)
                if let reusable = matches.reusable {
                    state.jobs[reusable]?.busy = true
                    return .reuse(reusable)
                }
                if refusingRunning, let running = matches.running {
                    throw SupervisorError("job \(running) is already running with the same command", code: .alreadyRunning)
                }
                // A match being worked on may be about to stop: wait for it, then decide.
                if matches.busy || Self.creationPending(like: spec, in: state) { return .wait }
                return .create(try reserveNewJob(spec, in: &state))
            }
            switch decision {
            case let .reuse(id):
                defer { state.withLockBroadcasting { $0.jobs[id]?.busy = false } }
                let job = try relaunch(
                    id, environment: spec.environment, settings: spec.settings, description: spec.description, ready: spec.ready,
                    gobfileName: spec.gobfileName)
                return (job, true)
            case let .create(pending):
                return (try launchNewJob(pending, settings: spec.settings), false)
            case .wait:
                _ = state.wait(recheckEvery: MonotonicClock.seconds(0.05)) { state in
                    state.jobs.values.contains { $0.workdir == spec.workdir && $0.command == spec.command && $0.busy }
                        || Self.creationPending(like: spec, in: state) ? nil : true
                }
            }
        }
    }

    /// `submit`, for callers that need only the job.
    public func add(_ spec: JobSpec) throws(SupervisorError) -> JobSnapshot {
        try submit(spec).job
    }

    /// `submit` as `run` asks: a running match is refused.
    public func run(_ spec: JobSpec) throws(SupervisorError) -> (job: JobSnapshot, restarted: Bool) {
        try submit(spec, refusingRunning: true)
    }

    /// `start`: a stopped job gets a new process; `ready` replaces its readiness rule.
    public func start(
        _ id: String, environment: [OSString]?, settings: ProcessSettings? = nil, ready: ReadinessRule? = nil
    ) throws(SupervisorError) -> JobSnapshot {
        try checkStateInPlace()
        return try withJob(id) { () throws(SupervisorError) in
            try checkNotBlocked(id)
            // What the previous process left in its group goes first, so the job
            // never has two generations of processes.
            let previous = state.withLock { state in state.jobs[id].flatMap { job in state.processes[id].map { (job, $0) } } }
            if let (job, process) = previous, !job.running, job.groupMayLinger || hasAdoptedProcesses(id) {
                try terminateGroup(of: id, process: process, force: false)
            }
            return try relaunch(id, environment: environment, settings: settings, description: nil, ready: ready)
        }
    }

    // MARK: Steps

    /// A new job between its reservation and its record.
    struct PendingJob {
        var job: Job
        /// The reap count when it was reserved: a parked exit from before is not its.
        var reapCount: UInt64
        /// Its `<rt>` links were made ahead: it took the prepared `nextJob`.
        var linked = false
    }

    /// What `submit` decides on among the jobs with `spec`'s workdir and command.
    struct Matches {
        /// The newest that is stopped, with nothing left in its group, and not held busy.
        var reusable: String?
        /// The newest that is running.
        var running: String?
        /// Whether any is held busy.
        var busy = false
    }

    /// The jobs like `spec`, found in one pass under the table's lock: every `add` of a
    /// command already running here looks at all its instances, so this copies no job
    /// and sorts nothing; "newest" is `Job.newestFirst`'s order.
    static func matches(of spec: JobSpec, in jobs: [String: Job]) -> Matches {
        var result = Matches()
        var newestReusable: (createdAtNanos: Int64, sequence: UInt64)?
        var newestRunning: (createdAtNanos: Int64, sequence: UInt64)?
        func isNewer(_ createdAtNanos: Int64, _ sequence: UInt64, than other: (createdAtNanos: Int64, sequence: UInt64)?) -> Bool {
            guard let other else { return true }
            if createdAtNanos != other.createdAtNanos { return createdAtNanos > other.createdAtNanos }
            return sequence > other.sequence
        }
        for index in jobs.values.indices {
            guard jobs.values[index].workdir == spec.workdir, jobs.values[index].command == spec.command else { continue }
            let busy = jobs.values[index].busy
            let running = jobs.values[index].running
            let created = jobs.values[index].createdAtNanos
            let sequence = jobs.values[index].sequence
            if busy { result.busy = true }
            if !busy && !running && !jobs.values[index].groupMayLinger, isNewer(created, sequence, than: newestReusable) {
                newestReusable = (created, sequence)
                result.reusable = jobs.values[index].id
            }
            if running, isNewer(created, sequence, than: newestRunning) {
                newestRunning = (created, sequence)
                result.running = jobs.values[index].id
            }
        }
        return result
    }

    /// Whether a job like `spec` is being created.
    private static func creationPending(like spec: JobSpec, in state: State) -> Bool {
        state.reservations.values.contains { $0.creating?.workdir == spec.workdir && $0.creating?.command == spec.command }
    }

    /// Picks a new job's ID and reserves it (and a start in flight); the job is not in the
    /// table yet, so no one sees a job without a process.
    private func reserveNewJob(_ spec: JobSpec, in state: inout State) throws(SupervisorError) -> PendingJob {
        if state.closed { throw .shuttingDown }
        let now = clock()
        let id: String
        let linked: Bool
        if let next = state.nextJob, next.linked {
            // Picked ahead, its links made: taking it saves this start two file creations.
            (id, linked) = (next.id, true)
            state.nextJob = nil
            state.nextJobTaken = true
        } else {
            (id, linked) = (state.unusedJobID(), false)
        }
        var job = Job(
            id: id, command: spec.command, workdir: spec.workdir,
            environment: spec.environment ?? Self.fallbackEnvironment,
            createdAtNanos: now, sequence: state.nextSequence,
            stdoutPath: paths.stdoutLog(id), stderrPath: paths.stderrLog(id), bootID: bootID,
            description: spec.description)
        job.ready = spec.ready
        job.gobfileName = spec.gobfileName
        state.nextSequence += 1
        state.reservations[id] = Reservation(creating: job)
        state.launchesInFlight += 1
        return PendingJob(job: job, reapCount: state.reapCount, linked: linked)
    }

    /// The environment of a job created by a client that sent none (a raw protocol client):
    /// never the daemon's own, but enough to find common programs.
    static let fallbackEnvironment: [OSString] = ["PATH=/usr/local/bin:/usr/bin:/bin"]

    /// Spawns a reserved job's first process and records the job; on any failure nothing
    /// is left behind: no job, no log file, no process.
    private func launchNewJob(_ pending: PendingJob, settings: ProcessSettings?) throws(SupervisorError) -> JobSnapshot {
        let id = pending.job.id
        let process: LaunchedProcess
        do {
            process = try launcher.launch(launchSpec(pending.job, run: 1, settings: settings))
        } catch {
            state.withLockBroadcasting { state in finishLaunch(in: &state) }
            if pending.linked { _ = unlinkLogs(of: id) }
            logs.removeRun(job: id, number: 1)
            release(id)
            throw SupervisorError(error.description, code: .spawnFailed)
        }
        // Its `<rt>` links are made here (unless they were made ahead), before the job is
        // in the table (and not again at the commit): a `list` that shows it hands out
        // their paths (`gob logs` opens them at once), while the commit may still be under
        // way, or stuck on a slow disk.
        if !pending.linked { linkLogs(of: id, number: 1) }
        let recorded = state.withLockBroadcasting { state -> (change: UInt64, job: JobSnapshot)? in
            defer { finishLaunch(in: &state) }
            // The shutdown's final stop may have passed this job by: it must not run.
            if state.closed { return nil }
            state.reservations[id] = nil
            var job = pending.job
            begin(&job, run: 1, with: process)
            var change = apply(.added(job), in: &state)
            watchReadiness(of: job)
            state.processes[id] = process
            state.jobByPID[process.pid] = id
            change = claimParkedExit(of: id, process: process, since: pending.reapCount, in: &state) ?? change
            return (change, job.snapshot)
        }
        guard let recorded else {
            _ = launcher.signalGroup(of: process, SIGKILL)
            _ = unlinkLogs(of: id)
            logs.removeRun(job: id, number: 1)
            release(id)
            throw .shuttingDown
        }
        guard commit(through: recorded.change) else {
            try rollBack(id, process: process, removing: true)
        }
        return recorded.job
    }

    /// Starts a new process for job `id`, which the caller holds busy; `description`,
    /// `ready` and `gobfileName` replace the job's own when given.
    func relaunch(
        _ id: String, environment: [OSString]?, settings: ProcessSettings?, description: String?,
        ready: ReadinessRule? = nil, gobfileName: String? = nil
    ) throws(SupervisorError) -> JobSnapshot {
        let (job, reapCount) = try state.withLock { state throws(SupervisorError) -> (Job, UInt64) in
            guard let job = state.jobs[id] else { throw .notFound(id) }
            if state.closed { throw .shuttingDown }
            if job.running {
                throw SupervisorError(
                    "job \(id) is already running (use 'gob restart' to restart a running job)", code: .alreadyRunning)
            }
            state.launchesInFlight += 1
            return (job, state.reapCount)
        }
        var next = job
        if let environment { next.environment = environment }
        if let description { next.description = description }
        let number = job.runNumber + 1
        let process: LaunchedProcess
        do {
            process = try launcher.launch(launchSpec(next, run: number, settings: settings))
        } catch {
            state.withLockBroadcasting { state in finishLaunch(in: &state) }
            logs.removeRun(job: id, number: number)
            throw SupervisorError(error.description, code: .spawnFailed)
        }
        // The links go to the new run before the table shows it, as for a new job.
        linkLogs(of: id, number: number)
        let recorded = state.withLockBroadcasting { state -> (change: UInt64, job: JobSnapshot)? in
            defer { finishLaunch(in: &state) }
            // The job is held busy, so it is still there, unless the daemon is closing.
            guard !state.closed, var job = state.jobs[id] else { return nil }
            job.environment = next.environment
            job.description = next.description
            if let ready { job.ready = ready }
            if let gobfileName { job.gobfileName = gobfileName }
            begin(&job, run: number, with: process)
            var change = apply(.started(job), in: &state)
            watchReadiness(of: job)
            state.processes[id] = process
            state.jobByPID[process.pid] = id
            change = claimParkedExit(of: id, process: process, since: reapCount, in: &state) ?? change
            return (change, job.snapshot)
        }
        guard let recorded else {
            _ = launcher.signalGroup(of: process, SIGKILL)
            linkLogs(of: id, number: job.runNumber)
            logs.removeRun(job: id, number: number)
            throw .shuttingDown
        }
        guard commit(through: recorded.change) else {
            try rollBack(id, process: process, removing: false)
        }
        return recorded.job
    }

    /// What the launcher needs to start run `number` of `job`: its own log files.
    private func launchSpec(_ job: Job, run number: Int64, settings: ProcessSettings?) -> LaunchSpec {
        LaunchSpec(
            command: job.command, workdir: job.workdir, environment: job.environment,
            stdoutPath: logs.path(job: job.id, number: number, .stdout),
            stderrPath: logs.path(job: job.id, number: number, .stderr), settings: settings, jobID: job.id)
    }

    /// Sets the process fields of `job` for run `number`, a just-started `process`.
    private func begin(_ job: inout Job, run number: Int64, with process: LaunchedProcess) {
        job.runNumber = number
        job.bootID = bootID
        job.pid = process.pid
        job.startTime = process.startTime
        job.running = true
        job.end = nil
        job.outcome = nil
        job.startedAtNanos = clock()
        job.startedMonotonic = MonotonicClock.now()
        job.endedAtNanos = nil
        job.runTimeMilliseconds = nil
        job.groupMayLinger = false
        job.stopRequested = false
        job.stoppedByGob = false
        job.logsPruned = false
        job.summary.runStarted()
        // A new run with a rule is waited for afresh (`watchReadiness`, once it is recorded).
        job.readiness = job.ready == nil ? nil : .waiting
        job.readyAtText = nil
        job.readyAfterNanos = nil
        job.readyLogSeen = false
        job.readyListener = nil
        job.ports = []
    }

    /// A start is recorded (or failed): parked exits are kept only while starts are in flight.
    private func finishLaunch(in state: inout State) {
        state.launchesInFlight -= 1
        if state.launchesInFlight == 0 { state.parked.removeAll() }
    }

    /// Applies an exit the reaper reported before the process was recorded, if there was
    /// one since the start was reserved; the change's number.
    private func claimParkedExit(
        of id: String, process: LaunchedProcess, since reapCount: UInt64, in state: inout State
    ) -> UInt64? {
        guard let parked = state.parked.removeValue(forKey: process.pid), parked.reap > reapCount else { return nil }
        // A cheap system call, no file: whether members of the group remain.
        let lingers = launcher.groupMayHaveMembers(process)
        return markEnded(id, pid: process.pid, status: parked.status, lingers: lingers, in: &state)
    }

    /// Frees an ID reserved by a failed creation or a removal.
    func release(_ id: String) {
        state.withLockBroadcasting { $0.reservations[id] = nil }
    }

    /// The store could not hold a started run: a daemon that crashed now could not find
    /// it, and history would not know it, so it must not run. Kills it, waits until it is
    /// gone, removes the job when it was new, and fails with `io_error`.
    private func rollBack(_ id: String, process: LaunchedProcess, removing: Bool) throws(SupervisorError) -> Never {
        let reason = storeFailure
        // gob's doing, not the job's: the run counts as neither success nor failure.
        markStopRequested([(id, process)])
        _ = launcher.signalGroup(of: process, SIGKILL)
        _ = waitUntilGone([(id, process)], grace: killGrace)
        if removing {
            let removed = state.withLockBroadcasting { state -> Job? in
                guard let job = state.jobs[id] else { return nil }
                state.reservations[id] = Reservation(creating: nil)
                apply(.removed(job), in: &state)
                return job
            }
            if let removed { _ = removeFiles(of: [removed]) }
            release(id)
        }
        commit(waiting: true)
        throw SupervisorError(reason, code: .ioError)
    }
}
