import GobProtocol
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
    /// Its current run's readiness rule held (`job_ready`).
    case ready(Job)
    /// Its current run's readiness rule did not hold in time (`job_ready_timed_out`).
    case readyTimedOut(Job)

    var job: Job {
        switch self {
        case let .added(job), let .started(job), let .stopped(job), let .updated(job), let .portsUpdated(job),
             let .removed(job), let .ready(job), let .readyTimedOut(job): job
        }
    }

    var event: JobEvent.Kind? {
        switch self {
        case .added: .jobAdded
        case .started: .jobStarted
        case .stopped: .jobStopped
        case .updated: nil
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
/// bytes and the kept `list` body), notes whether the live-groups record must be written
/// again, and queues the change's event in an outbox, numbered in the order of the
/// changes. After the lock is released, `commit` writes the record and then delivers the
/// events, in order, by one thread at a time; a request that changed something returns
/// once its change is committed, so the record (and, next, a store plugged in beside it)
/// holds a change before its client or any subscriber hears of it. A stalled disk stalls
/// only the commit: `list`, `status` and `ping` are answered from the table meanwhile.
///
/// What is not a change of the job goes around it: the busy mark of an operation in
/// progress, and the note that gob asked the current process to stop.
extension JobSupervisor {
    /// Applies `change` to the table and queues what follows from it; returns the change's
    /// number for `commit`. Call with the lock held.
    @discardableResult
    func apply(_ change: JobChange, in state: inout State) -> UInt64 {
        let job = change.job
        let before = state.jobs[job.id].flatMap(Self.recordEntry)
        let after: JobGroupRecord.Entry?
        if case .removed = change {
            state.jobs[job.id] = nil
            if state.jobByPID[job.pid] == job.id { state.jobByPID[job.pid] = nil }
            state.processes[job.id] = nil
            state.lingering.remove(job.id)
            after = nil
        } else {
            state.jobs[job.id] = job
            if job.groupMayLinger && !job.running {
                state.lingering.insert(job.id)
            } else {
                state.lingering.remove(job.id)
            }
            after = Self.recordEntry(job)
        }
        if before != after { state.recordDirty = true }
        // A new run's ports are looked up shortly after it starts; an ended one's never.
        // (Memory only: the schedule's own lock, its thread already made.) The run is over
        // (or the job gone): nothing of it can become ready any more.
        switch change {
        case .added, .started: if job.running { portSchedule?.runStarted(job.id, pid: job.pid) }
        case .stopped:
            readiness.cancel(id: job.id, pid: job.pid)
            portSchedule?.forget(job.id)
        case .removed:
            readiness.cancel(id: job.id)
            portSchedule?.forget(job.id)
        case .updated, .portsUpdated, .ready, .readyTimedOut: break
        }
        if let kind = change.event { state.outbox.append(JobEvent(kind: kind, job: job.snapshot)) }
        state.changeCount += 1
        return state.changeCount
    }

    /// The job's line in the live-groups record: a group that may still have processes.
    static func recordEntry(_ job: Job) -> JobGroupRecord.Entry? {
        guard job.mayHaveProcesses, let start = job.startTime else { return nil }
        return JobGroupRecord.Entry(pgid: job.pid, startTime: start)
    }

    /// What one commit takes out of the table.
    private struct Batch {
        var events: [JobEvent]
        var through: UInt64
        /// The record's new content, when it must be written.
        var entries: [JobGroupRecord.Entry]?
    }

    private enum CommitStep {
        case deliver(Batch)
        case done(durable: Bool)
        case leave
    }

    /// Writes the record and delivers the events of every change so far. `waiting`: returns
    /// once the changes up to `through` (all so far when nil) are delivered, and whether the
    /// record holds them; otherwise (the reaper) leaves at once when another thread is
    /// committing, which then takes these changes too.
    @discardableResult
    func commit(through target: UInt64? = nil, waiting: Bool = true) -> Bool {
        let target = target ?? state.withLock { $0.changeCount }
        while true {
            let step = state.wait { state -> CommitStep? in
                if !state.committing && state.committedCount < state.changeCount {
                    state.committing = true
                    var entries: [JobGroupRecord.Entry]?
                    if state.recordDirty {
                        entries = state.jobs.values.compactMap(Self.recordEntry).sorted { $0.pgid < $1.pgid }
                        state.recordDirty = false
                    }
                    defer { state.outbox.removeAll(keepingCapacity: true) }
                    return .deliver(Batch(events: state.outbox, through: state.changeCount, entries: entries))
                }
                if state.committedCount >= target {
                    return .done(durable: record == nil || state.recordWrittenThrough >= target)
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

    /// Writes the record (when due), then publishes the events: outside the lock.
    private func deliver(_ batch: Batch) {
        var failure: SystemError?
        if let entries = batch.entries, let record {
            do throws(SystemError) {
                try record.write(entries)
            } catch {
                failure = error
                logger.error("Cannot write the job record \(paths.jobRecord): \(error)")
            }
        }
        for event in batch.events { bus.publish(event) }
        state.withLockBroadcasting { state in
            state.committedCount = batch.through
            if let failure {
                state.recordDirty = true
                state.recordError = failure
            } else {
                // Written now, or already current when the batch was taken (a failed write
                // leaves it due, so the next batch writes it again).
                state.recordWrittenThrough = max(state.recordWrittenThrough, batch.through)
            }
            state.committing = false
        }
    }

    /// Writes the live-groups record again from the table, as after the runtime directory
    /// was recreated; false (and logged) when it could not be written.
    @discardableResult
    public func rewriteRecord() -> Bool {
        let target = state.withLockBroadcasting { state -> UInt64 in
            state.recordDirty = true
            state.changeCount += 1
            return state.changeCount
        }
        return commit(through: target)
    }
}
