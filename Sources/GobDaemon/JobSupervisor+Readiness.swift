import Glibc
import GobProtocol
import GobSystem

/// Readiness: a run of a job with a rule is watched from its start (`watchReadiness`,
/// called where a run begins). The watcher matches the logs and keeps the deadline; the
/// port lookups (`PortSchedule`, densely while the run waits) find the listeners. Each
/// verdict comes back (`readinessReported`, `portsFound`) and becomes a change of the job
/// like any other — `ready_at` and `job_ready`, or `job_ready_timed_out` — through the one
/// change path. A run's end cancels its watches (`apply`), and a run that ended is never
/// reported ready afterwards.
extension JobSupervisor {
    /// Starts watching `job`'s just-begun run when the job has a rule. Only queues
    /// requests (the schedule's own lock, no file): safe with the table's lock held.
    func watchReadiness(of job: Job) {
        guard let rule = job.ready, job.running else { return }
        let deadline = job.startedMonotonic + rule.timeoutMilliseconds * 1_000_000
        readiness.watch(ReadinessWatcher.Request(
            id: job.id, pid: job.pid, pattern: rule.log,
            paths: [logs.path(job: job.id, number: job.runNumber, .stdout), logs.path(job: job.id, number: job.runNumber, .stderr)],
            deadline: deadline, untilCancelled: rule.port != nil))
        if rule.port != nil { portSchedule?.watch(job.id, pid: job.pid, from: job.startedMonotonic, until: deadline) }
    }

    /// Applies the watcher's verdict on a run, if that run is still the job's current
    /// one, still running and still waiting. A matched line makes a rule without a port
    /// hold; a rule with a port holds once its port is found too (at once when the last
    /// lookup found it already).
    func readinessReported(_ report: ReadinessWatcher.Report) {
        let changed = state.withLockBroadcasting { state -> Bool in
            switch report {
            case let .ready(id, pid, at):
                guard var job = state.jobs[id], job.pid == pid, job.running, job.readiness == .waiting,
                      let rule = job.ready
                else { return false }
                job.readyLogSeen = true
                if rule.port == nil {
                    markReady(&job, at: at, listener: nil, in: &state)
                } else if let listener = rule.listener(among: job.ports) {
                    markReady(&job, at: at, listener: listener, in: &state)
                } else {
                    // Not shown in the job object: no change to announce.
                    state.jobs[id] = job
                    return false
                }
                return true
            case let .timedOut(id, pid):
                guard var job = state.jobs[id], job.pid == pid, job.running, job.readiness == .waiting else { return false }
                job.readiness = .timedOut
                portSchedule?.unwatch(id)
                apply(.readyTimedOut(job), in: &state)
                return true
            }
        }
        if changed { commit(waiting: false) }
    }

    /// The port part of `job`'s rule after a lookup found `ports` for its current run:
    /// marks the run ready when the rule holds now. Call with the lock held, the job
    /// already updated with the ports; whether it became ready.
    @discardableResult
    func portsFound(for job: inout Job, in state: inout State) -> Bool {
        guard job.running, job.readiness == .waiting, let rule = job.ready, rule.log == nil || job.readyLogSeen,
              let listener = rule.listener(among: job.ports)
        else { return false }
        markReady(&job, at: MonotonicClock.now(), listener: listener, in: &state)
        return true
    }

    /// Records that `job`'s current run became ready at `at` (`MonotonicClock`), on
    /// `listener` when its rule has a port, and ends the run's watches.
    private func markReady(_ job: inout Job, at: Int64, listener: ListeningPort?, in state: inout State) {
        job.readiness = .ready
        job.readyAtText = Timestamp.rfc3339(secondsSinceEpoch: clock() / 1_000_000_000)
        job.readyAfterNanos = max(0, at - job.startedMonotonic)
        job.readyListener = listener
        if job.ready?.port != nil {
            readiness.cancel(id: job.id, pid: job.pid)
            portSchedule?.unwatch(job.id)
        }
        apply(.ready(job), in: &state)
    }

    /// Whether a line of job `id`'s current run matched its rule's pattern: what a rule
    /// with a port has seen while it waits for the port.
    func readyLineSeen(_ id: String) -> Bool {
        state.withLock { $0.jobs[id]?.readyLogSeen ?? false }
    }
}
