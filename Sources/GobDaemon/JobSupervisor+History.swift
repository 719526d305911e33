import Glibc
import GobProtocol
import GobStore

/// Jobs read back from the store, and their runs: `runs`, `get_run`, `stats` and the
/// removal of one run. Reads of the store happen outside the table's lock; the current
/// run always comes from the table, which may be ahead of the store.
extension JobSupervisor {
    /// Takes in the jobs of the store (a daemon starting): each stopped, as its latest run
    /// left it. Their `<rt>` links are made by `relinkAll`, which requests that hand out
    /// log paths wait for, unless `linksCurrent` (an in-place restart: the previous image
    /// of this process kept them up to date in the same runtime directory until its exec).
    public func restore(_ loaded: [LoadedJob], linksCurrent: Bool = false) {
        let builder = JobTableBuilder(paths: paths, environment: Self.fallbackEnvironment, expected: loaded.count)
        builder.add(loaded)
        let built = builder.finish(threaded: false)
        restore(built.table, highestSequence: built.highestSequence, linksCurrent: linksCurrent)
    }

    /// `restore` of a table already built (`JobTableBuilder`), moved in whole when the
    /// daemon holds no job yet (it is starting): a thousand jobs inserted one by one were
    /// copied twice each and the table grown eleven times.
    func restore(_ table: [String: Job], highestSequence: UInt64?, linksCurrent: Bool) {
        guard let highestSequence else { return }
        var table = table
        state.withLockBroadcasting { state in
            if state.jobs.isEmpty {
                swap(&state.jobs, &table)
            } else {
                state.jobs.merge(table) { _, restored in restored }
            }
            state.nextSequence = max(state.nextSequence, highestSequence + 1)
            if !linksCurrent { state.linksPending = true }
        }
    }

    /// The job's runs, newest first, at most `limit` (nil: all).
    public func runs(of id: String, limit: Int?) throws(SupervisorError) -> [RunSnapshot] {
        guard let job = state.withLock({ $0.jobs[id] }) else { throw .notFound(id) }
        guard job.runNumber > 0 else { return [] }
        var records = [job.currentRun]
        if let store, limit.map({ $0 > 1 }) ?? true {
            let stored: [RunRecord]
            do throws(StoreError) { stored = try store.runs(ofJob: id, limit: limit) } catch {
                throw SupervisorError(error.description, code: .ioError)
            }
            records += stored.filter { $0.number < job.runNumber }
        }
        if let limit { records = Array(records.prefix(limit)) }
        return records.map(snapshot(of:))
    }

    /// One run by its ID (`<job>-<n>`).
    public func run(_ runID: String) throws(SupervisorError) -> RunSnapshot {
        try snapshot(of: record(of: runID).run)
    }

    /// The job and its history's summary.
    public func summary(of id: String) throws(SupervisorError) -> (job: JobSnapshot, summary: RunSummary) {
        guard let job = state.withLock({ $0.jobs[id] }) else { throw .notFound(id) }
        return (job.snapshot, job.summary)
    }

    /// Deletes one ended run and its logs; the job's current run cannot be deleted (the
    /// job shows it: remove the job instead). Returns the run as it was.
    public func removeRun(_ runID: String) throws(SupervisorError) -> RunSnapshot {
        let (id, number) = try Self.parse(runID)
        return try withJob(id) { () throws(SupervisorError) in
            let (_, run) = try record(of: runID)
            guard run.outcome != nil, !run.groupMayLinger else {
                throw SupervisorError("cannot remove running run: \(runID)", code: .alreadyRunning)
            }
            let current = state.withLock { $0.jobs[id]?.runNumber }
            if current == number {
                throw SupervisorError(
                    "run \(runID) is job \(id)'s latest: remove the job with 'gob remove \(id)'", code: .invalidArgument)
            }
            guard let store else { throw .notFound(runID) }
            let summary: RunSummary
            do throws(StoreError) { summary = try store.summary(ofJob: id, excluding: number) } catch {
                throw SupervisorError(error.description, code: .ioError)
            }
            let change = state.withLockBroadcasting { state -> UInt64? in
                guard var job = state.jobs[id] else { return nil }
                job.summary = summary
                return apply(.runRemoved(job, number: number), in: &state)
            }
            guard let change else { throw .notFound(id) }
            guard commit(through: change) else { throw SupervisorError(storeFailure, code: .ioError) }
            logs.removeRun(job: id, number: number)
            return snapshot(of: run)
        }
    }

    /// The job of a run ID and the run's record: from the table when it is the current
    /// run, else from the store.
    private func record(of runID: String) throws(SupervisorError) -> (job: Job, run: RunRecord) {
        let (id, number) = try Self.parse(runID)
        guard let job = state.withLock({ $0.jobs[id] }) else { throw .notFound(runID) }
        if number == job.runNumber { return (job, job.currentRun) }
        guard number < job.runNumber, let store else { throw SupervisorError("run not found: \(runID)", code: .notFound) }
        let record: RunRecord?
        do throws(StoreError) { record = try store.run(ofJob: id, number: number) } catch {
            throw SupervisorError(error.description, code: .ioError)
        }
        guard let record else { throw SupervisorError("run not found: \(runID)", code: .notFound) }
        return (job, record)
    }

    private static func parse(_ runID: String) throws(SupervisorError) -> (job: String, number: Int64) {
        guard let parsed = RunID.parse(runID) else {
            throw SupervisorError("invalid run ID \"\(runID)\": expected <job>-<n>, such as k3v-2", code: .invalidArgument)
        }
        return parsed
    }

    /// A run as the wire shows it.
    func snapshot(of run: RunRecord) -> RunSnapshot {
        RunSnapshot(
            id: run.id, jobID: run.jobID, number: run.number, pid: run.pid,
            startedAt: Timestamp.rfc3339(secondsSinceEpoch: run.startedAtNanos / 1_000_000_000),
            endedAt: run.endedAtNanos.map { Timestamp.rfc3339(secondsSinceEpoch: $0 / 1_000_000_000) },
            runTimeMilliseconds: run.durationMilliseconds, exitCode: run.exitCode,
            signal: run.signal.flatMap(SignalName.name(of:)), stoppedByGob: run.stoppedByGob, outcome: run.outcome,
            logsPruned: run.logsPruned, stdoutPath: logs.path(job: run.jobID, number: run.number, .stdout),
            stderrPath: logs.path(job: run.jobID, number: run.number, .stderr))
    }
}
