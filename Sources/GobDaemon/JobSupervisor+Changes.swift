import GobProtocol
import GobStore
import GobSystem

/// One change of a job, as it passes through `JobSupervisor.apply`.
enum JobChange {
    /// A new job with its first process (`job_added`).
    case added(Job)
    /// A new process of an existing job (`job_started`).
    case started(Job)
    /// Its process ended (`job_stopped`).
    case stopped(Job)
    /// A field changed that no event announces (a lingering group found empty).
    case updated(Job)
    /// The ports its tree listens on changed (`ports_updated`).
    case portsUpdated(Job)
    /// It was removed (`job_removed`).
    case removed(Job)
    /// One of its earlier runs was deleted (the job carries its summary without it).
    case runRemoved(Job, number: Int64)
    /// Its current run's readiness rule held (`job_ready`).
    case ready(Job)
    /// Its current run's readiness rule did not hold in time (`job_ready_timed_out`).
    case readyTimedOut(Job)

    var job: Job {
        switch self {
        case let .added(job), let .started(job), let .stopped(job), let .updated(job), let .portsUpdated(job),
             let .removed(job), let .ready(job), let .readyTimedOut(job), let .runRemoved(job, _):
            job
        }
    }

    var event: JobEvent.Kind? {
        switch self {
        case .added: .jobAdded
        case .started: .jobStarted
        case .stopped: .jobStopped
        case .updated, .runRemoved: nil
        case .portsUpdated: .portsUpdated
        case .removed: .jobRemoved
        case .ready: .jobReady
        case .readyTimedOut: .jobReadyTimedOut
        }
    }
}

/// The one path every change of a job takes.
///
/// Under the table's lock, `apply` updates the table (which drops the job's kept wire
/// bytes and the kept `list` body), notes what the store must be told, and queues the
/// change's event in an outbox, numbered in the order of the changes. After the lock is
/// released, `commit` writes the store (one transaction for everything noted so far),
/// points the `<rt>` links at new runs' logs, deletes logs the store marked pruned, and
/// then delivers the events, in order, by one thread at a time; a request that changed
/// something returns once its change is committed, so the store holds a change before
/// its client or any subscriber hears of it. A stalled disk stalls only the commit:
/// `list`, `status` and `ping` are answered from the table meanwhile. A write that fails
/// (a full disk) is kept and carried again by the next one.
///
/// What is not a change of the job goes around it: the busy mark of an operation in
/// progress, and the note that gob asked the current process to stop.
extension JobSupervisor {
    /// Applies `change` to the table and queues what follows from it; returns the change's
    /// number for `commit`. Call with the lock held.
    @discardableResult
    func apply(_ change: JobChange, in state: inout State) -> UInt64 {
        let job = change.job
        if case .removed = change {
            state.jobs[job.id] = nil
            if state.jobByPID[job.pid] == job.id { state.jobByPID[job.pid] = nil }
            state.processes[job.id] = nil
            state.lingering.remove(job.id)
        } else {
            state.jobs[job.id] = job
            if job.groupMayLinger && !job.running {
                state.lingering.insert(job.id)
            } else {
                state.lingering.remove(job.id)
            }
        }
        if store != nil { note(change, in: &state.storeChanges) }
        // A new run's `<rt>` links were made by its launch, before this change; the log
        // limiter hears of it at the commit. Its ports are looked up
        // shortly after it starts; an ended one's never. (Memory only: the schedule's own
        // lock, its thread already made.) The run is over (or the job gone): nothing of it
        // can become ready any more.
        switch change {
        case .added, .started:
            state.newRuns.append((job.id, job.runNumber))
            if job.running { portSchedule?.runStarted(job.id, pid: job.pid) }
        case .stopped:
            readiness.cancel(id: job.id, pid: job.pid)
            portSchedule?.forget(job.id)
            logLimiter.runEnded(job.id, number: job.runNumber)
        case .removed:
            readiness.cancel(id: job.id)
            portSchedule?.forget(job.id)
            logLimiter.forget(jobID: job.id)
        case .updated, .portsUpdated, .ready, .readyTimedOut, .runRemoved: break
        }
        if let kind = change.event { state.outbox.append(JobEvent(kind: kind, job: job.snapshot)) }
        state.changeCount += 1
        return state.changeCount
    }

    /// What the store is told of `change`.
    private func note(_ change: JobChange, in changes: inout StoreChanges) {
        switch change {
        case let .added(job):
            // A removed job's ID may be given again: whatever is stored under it goes.
            changes.replace(job.stored)
            changes.write(job.currentRun)
        case let .started(job):
            changes.write(job.stored)
            changes.write(job.currentRun)
            if let through = retention.pruneThrough(startingRun: job.runNumber) {
                changes.pruneLogs(jobID: job.id, through: through)
            }
        case let .stopped(job):
            changes.write(job.stored)
            changes.write(job.currentRun)
        case let .updated(job):
            changes.write(job.currentRun)
        case let .removed(job):
            changes.removeJob(job.id)
        case let .runRemoved(job, number):
            changes.write(job.stored)
            changes.removeRun(jobID: job.id, number: number)
        case .portsUpdated, .ready, .readyTimedOut:
            // Where the current run stands is the daemon's to know while it runs; the
            // store keeps how runs end.
            break
        }
    }

    /// What one commit takes out of the table.
    private struct Batch {
        var events: [JobEvent]
        var through: UInt64
        var changes: StoreChanges
        var newRuns: [(id: String, number: Int64)]
    }

    private enum CommitStep {
        case deliver(Batch)
        case done(durable: Bool)
        case leave
    }

    /// Writes the store and delivers the events of every change so far. `waiting`:
    /// returns once the changes up to `through` (all so far when nil) are delivered, and
    /// whether the store holds them; otherwise (the reaper) leaves at once when another
    /// thread is committing, which then takes these changes too.
    @discardableResult
    func commit(through target: UInt64? = nil, waiting: Bool = true) -> Bool {
        let target = target ?? state.withLock { $0.changeCount }
        while true {
            let step = state.wait { state -> CommitStep? in
                if !state.committing && state.committedCount < state.changeCount {
                    state.committing = true
                    defer {
                        state.outbox.removeAll(keepingCapacity: true)
                        state.storeChanges = StoreChanges()
                        state.newRuns.removeAll()
                    }
                    return .deliver(Batch(
                        events: state.outbox, through: state.changeCount, changes: state.storeChanges,
                        newRuns: state.newRuns))
                }
                if state.committedCount >= target {
                    return .done(durable: store == nil || state.storeWrittenThrough >= target)
                }
                return waiting ? nil : .leave
            }
            switch step {
            case let .deliver(batch)?: deliver(batch)
            case let .done(durable)?: return durable
            case .leave?, nil: return true
            }
        }
    }

    /// Writes the store, tells the log limiter of new runs and deletes pruned logs, then
    /// publishes the events: outside the lock.
    private func deliver(_ batch: Batch) {
        var failure: StoreError?
        var pruned: [RunKey] = []
        if let store, !batch.changes.isEmpty {
            do throws(StoreError) {
                pruned = try store.write(batch.changes)
                flusher?.committed()
            } catch {
                failure = error
                logger.error("Cannot write the state database: \(error)")
            }
        }
        for run in batch.newRuns { logLimiter.runStarted(run.id, number: run.number) }
        for run in pruned { logs.removeRun(job: run.jobID, number: run.number) }
        for event in batch.events { bus.publish(event) }
        state.withLockBroadcasting { state in
            state.committedCount = batch.through
            if let failure {
                // Carried again, under anything newer, by the next write.
                var retry = batch.changes
                retry.merge(state.storeChanges)
                state.storeChanges = retry
                state.storeError = failure
            } else {
                state.storeWrittenThrough = max(state.storeWrittenThrough, batch.through)
            }
            state.committing = false
        }
    }

    /// Why the store could not take the last change, for a request that must fail.
    var storeFailure: String {
        state.withLock { $0.storeError?.description } ?? "cannot write the state database"
    }
}
