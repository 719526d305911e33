import GobProtocol
import GobSystem

/// Jobs a daemon that ended uncleanly left running, taken over by this one: they run on,
/// `list`, `stop`, `signal`, `ps` and the rest treat them as any other, and when their
/// main process ends, the run records the end with the outcome `unknown` (the exit
/// status went to whatever reaped the process, never to this daemon).
extension JobSupervisor {
    /// Marks the jobs of `leaders` running again (after `restore`, which read them back
    /// as stopped) and starts watching the main processes that are not this daemon's
    /// children (its children's ends come from the reaper, exit status and all); false
    /// when the watching thread could not be started. Call before the reaper starts.
    func adopt(_ leaders: [AdoptedLeader]) -> Bool {
        guard !leaders.isEmpty else { return true }
        let now = clock()
        let monotonic = MonotonicClock.now()
        state.withLockBroadcasting { state in
            for leader in leaders {
                guard var job = state.jobs[leader.jobID], job.runNumber == leader.run else { continue }
                job.pid = leader.pid
                job.startTime = leader.startTime
                job.running = true
                job.end = nil
                job.outcome = nil
                job.endedAtNanos = nil
                job.runTimeMilliseconds = nil
                job.stoppedByGob = false
                job.groupMayLinger = false
                // Run time counts from the run's recorded start (wall clock: the only one
                // a previous daemon's clock and this one's share).
                job.startedMonotonic = monotonic - max(0, now - job.startedAtNanos)
                // Not through the change path: nothing changed that the store or a
                // subscriber does not know (the run was open all along).
                // Whether the run became ready was not stored: a run with a rule is
                // watched again from its logs' start (a ready line printed before counts,
                // as ready now), until its deadline.
                if job.ready != nil { job.readiness = .waiting }
                state.jobs[leader.jobID] = job
                state.processes[leader.jobID] = leader.process
                if leader.child { state.jobByPID[leader.pid] = leader.jobID }
                watchReadiness(of: job)
                // Memory only, as for a new run: its ports are looked up again.
                portSchedule?.runStarted(job.id, pid: job.pid)
            }
        }
        // Their logs are kept under `max_stream` as a new run's are.
        for leader in leaders { logLimiter.runStarted(leader.jobID, number: leader.run) }
        let watch = AdoptedLeaderWatch(leaders.filter { !$0.child }) { [weak self] leader in self?.adoptedLeaderEnded(leader) }
        return watch.start()
    }

    /// Records the end of an adopted job's main process, seen through its pidfd: the end
    /// time, the outcome `unknown`, and whether its group may linger.
    func adoptedLeaderEnded(_ leader: AdoptedLeader) {
        let process = state.withLock { state -> LaunchedProcess? in
            guard let job = state.jobs[leader.jobID], job.pid == leader.pid, job.running else { return nil }
            return state.processes[leader.jobID]
        }
        guard let process else { return }
        // Outside the lock: a system call on the group.
        let lingers = launcher.groupMayHaveMembers(process)
        state.withLockBroadcasting { state in
            guard var job = state.jobs[leader.jobID], job.pid == leader.pid, job.running else { return }
            let milliseconds = (MonotonicClock.now() - job.startedMonotonic) / 1_000_000
            job.running = false
            job.end = nil
            job.endedAtNanos = clock()
            job.runTimeMilliseconds = milliseconds
            job.groupMayLinger = lingers
            job.stoppedByGob = job.stopRequested
            job.outcome = .unknown
            job.summary.runEnded(.unknown, milliseconds: milliseconds)
            if job.readiness == .waiting { job.readiness = .endedBeforeReady }
            job.ports = []
            apply(.stopped(job), in: &state)
        }
        commit(waiting: false)
    }
}
