import GobStore
import GobTOML

/// The supervisor's side of `LogLimiter`: which runs are running, and pruning the logs
/// of the oldest runs when all logs together pass their total — through the change path,
/// so the store marks the runs "logs pruned" before their files go.
extension JobSupervisor {
    func connectLogLimiter() {
        logLimiter.connect(LogLimiter.Supervision(
            runningRuns: { [weak self] in self?.runningRuns() ?? [] },
            prune: { [weak self] through in self?.pruneLogs(through: through) }))
    }

    /// Measures all logs together (the daemon's start).
    public func checkLogLimits() {
        logLimiter.measure()
    }

    /// The current runs of running jobs.
    func runningRuns() -> Set<RunKey> {
        state.withLock { state in
            Set(state.jobs.values.lazy.filter(\.running).map { RunKey(jobID: $0.id, number: $0.runNumber) })
        }
    }

    /// Deletes the logs of each job's runs up to the number given, never of a run that
    /// is running (nor of one started since the numbers were taken).
    func pruneLogs(through: [String: Int64]) {
        var direct: [RunKey] = []
        // A job's latest run is written with its mark, so the store's pruning does not
        // report it: its files go here once the mark is stored.
        var latest: [RunKey] = []
        let target = state.withLock { state -> UInt64? in
            var changed = false
            for (id, number) in through {
                guard var job = state.jobs[id] else { continue }
                let last = min(number, job.running ? job.runNumber - 1 : job.runNumber)
                guard last >= 1 else { continue }
                changed = true
                guard store != nil else {
                    // No store to mark them in (tests): the files go at once.
                    direct += (1...last).map { RunKey(jobID: id, number: $0) }
                    continue
                }
                state.storeChanges.pruneLogs(jobID: id, through: last)
                if last == job.runNumber && !job.logsPruned {
                    job.logsPruned = true
                    apply(.updated(job), in: &state)
                    latest.append(RunKey(jobID: id, number: last))
                }
            }
            guard changed, store != nil else { return nil }
            state.changeCount += 1
            return state.changeCount
        }
        for run in direct { logs.removeRun(job: run.jobID, number: run.number) }
        if let target, commit(through: target) {
            for run in latest { logs.removeRun(job: run.jobID, number: run.number) }
        }
    }
}
