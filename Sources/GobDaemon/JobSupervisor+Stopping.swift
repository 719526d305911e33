#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol

extension JobSupervisor {
    /// What a `stop` found and did.
    public struct StopResult: Sendable, Equatable {
        /// The PID the job had.
        public var pid: Int32
        /// Its process was running when the stop began.
        public var wasRunning: Bool
        /// SIGKILL was sent: asked for (`force`), or SIGTERM was not enough.
        public var killed: Bool
    }

    /// `stop` (contract §2.6, §4.8.1, Decision D4): signals the job's process group and
    /// returns once no process of it remains.
    public func stop(_ id: String, force: Bool) throws(SupervisorError) -> StopResult {
        try withJob(id) { () throws(SupervisorError) in
            guard let job = state.withLock({ $0.jobs[id] }) else { throw .notFound(id) }
            var killed = false
            if job.mayHaveProcesses {
                killed = try terminateGroup(of: id, pgid: job.pid, force: force)
            }
            return StopResult(pid: job.pid, wasRunning: job.running, killed: killed)
        }
    }

    /// `restart` (§2.8): stops the job's group if anything of it runs, then starts anew.
    public func restart(_ id: String, environment: [OSString]?) throws(SupervisorError) -> JobSnapshot {
        try withJob(id) { () throws(SupervisorError) in
            guard let job = state.withLock({ $0.jobs[id] }) else { throw .notFound(id) }
            if job.mayHaveProcesses {
                try terminateGroup(of: id, pgid: job.pid, force: false)
            }
            return try state.withLockBroadcasting { state throws(SupervisorError) in
                try spawn(id, environment: environment, in: &state, event: .jobStarted)
            }
        }
    }

    /// `remove` (§2.10): drops a stopped job and its log files. Returns it as it was.
    public func remove(_ id: String) throws(SupervisorError) -> JobSnapshot {
        try withJob(id) { () throws(SupervisorError) in
            try state.withLockBroadcasting { state throws(SupervisorError) -> JobSnapshot in
                guard let job = state.jobs[id] else { throw .notFound(id) }
                if job.running { throw SupervisorError("cannot remove running job: \(id) (use 'stop' first)", code: .alreadyRunning) }
                _ = drop(job, in: &state)
                bus.publish(JobEvent(kind: .jobRemoved, job: job.snapshot))
                return job.snapshot
            }
        }
    }

    /// `cleanup` (§2.11): drops every stopped job in scope. Returns how many.
    public func cleanup(workdir: OSString?) -> Int {
        state.withLockBroadcasting { state in
            let removed = state.jobs.values
                .filter { (workdir == nil || $0.workdir == workdir) && !$0.running && !$0.busy }
                .sorted(by: Job.newestFirst)
            for job in removed { _ = drop(job, in: &state) }
            for job in removed { bus.publish(JobEvent(kind: .jobRemoved, job: job.snapshot)) }
            return removed.count
        }
    }

    /// What `nuke` did: jobs running when it began, log files unlinked, jobs removed.
    public struct NukeResult: Sendable, Equatable {
        public var stopped: Int
        public var logsDeleted: Int
        public var cleaned: Int
    }

    /// `nuke` (§2.12, §4.8.3): stops every job in scope — all groups at once, waiting until
    /// each is gone — then removes them and their logs.
    public func nuke(workdir: OSString?) -> NukeResult {
        // Claim the jobs one by one in a fixed order, so two nukes cannot deadlock.
        let ids = state.withLock { state in
            state.jobs.values.filter { workdir == nil || $0.workdir == workdir }.map(\.id).sorted()
        }
        var claimed: [String] = []
        for id in ids {
            let got = state.wait { state -> Bool? in
                guard let job = state.jobs[id] else { return false }
                if job.busy { return nil }
                state.jobs[id]?.busy = true
                return true
            }
            if got == true { claimed.append(id) }
        }
        let targets = state.withLock { state in claimed.compactMap { state.jobs[$0] } }
        let running = targets.filter(\.running).count
        terminateGroups(targets.filter(\.mayHaveProcesses).map { ($0.id, $0.pid) })
        return state.withLockBroadcasting { state in
            var result = NukeResult(stopped: running, logsDeleted: 0, cleaned: 0)
            for id in claimed {
                guard let job = state.jobs[id] else { continue }
                result.logsDeleted += drop(job, in: &state)
                result.cleaned += 1
                bus.publish(JobEvent(kind: .jobRemoved, job: job.snapshot))
            }
            return result
        }
    }

    /// `signal` (§2.9): sends `signal` to the job's process group whatever its status; a
    /// group that is known to be gone is not signalled, so a reused PID is never hit.
    public func signal(_ id: String, signal: Int32) throws(SupervisorError) -> Int32 {
        let job = try state.withLock { state throws(SupervisorError) -> Job in
            guard let job = state.jobs[id] else { throw .notFound(id) }
            if job.mayHaveProcesses || !(1...64).contains(signal) {
                let rc = job.pid > 1 ? launcher.signalGroup(job.pid, signal) : ESRCH
                if rc != 0 && rc != ESRCH { throw SupervisorError("failed to send signal: \(SystemError(rc))", code: rc == EINVAL ? .invalidArgument : .internal) }
            }
            return job
        }
        return job.pid
    }

    // MARK: Helpers

    /// Removes `job` from the table and unlinks its logs; returns how many files went.
    /// Processes its dead leader left in the group are killed: once the job is gone,
    /// nothing would ever stop them.
    private func drop(_ job: Job, in state: inout State) -> Int {
        if job.groupMayLinger && !job.running { _ = launcher.signalGroup(job.pid, SIGKILL) }
        state.jobs[job.id] = nil
        if state.jobByPID[job.pid] == job.id { state.jobByPID[job.pid] = nil }
        var deleted = 0
        if unlink(job.stdoutPath) == 0 { deleted += 1 }
        if unlink(job.stderrPath) == 0 { deleted += 1 }
        writeRecord(state)
        return deleted
    }

    /// SIGTERM (or SIGKILL) to one group, wait, escalate (D4). Throws the real reason;
    /// returns whether SIGKILL was sent.
    @discardableResult
    func terminateGroup(of id: String, pgid: Int32, force: Bool) throws(SupervisorError) -> Bool {
        markStopRequested([(id, pgid)])
        let first = force ? SIGKILL : SIGTERM
        let rc = launcher.signalGroup(pgid, first)
        if rc != 0 && rc != ESRCH {
            throw SupervisorError("failed to \(force ? "kill" : "stop") process: \(SystemError(rc))", code: .stopFailed)
        }
        if waitUntilGone([(id, pgid)], grace: force ? killGrace : termGrace) { return force }
        if !force {
            let rc = launcher.signalGroup(pgid, SIGKILL)
            if rc != 0 && rc != ESRCH { throw SupervisorError("failed to kill process: \(SystemError(rc))", code: .stopFailed) }
            if waitUntilGone([(id, pgid)], grace: killGrace) { return true }
        }
        throw SupervisorError("process \(pgid) still running after SIGKILL", code: .stopFailed)
    }

    /// Stops many groups at once (nuke, shutdown): SIGTERM all, wait, SIGKILL survivors.
    func terminateGroups(_ groups: [(id: String, pgid: Int32)]) {
        guard !groups.isEmpty else { return }
        markStopRequested(groups)
        for group in groups { _ = launcher.signalGroup(group.pgid, SIGTERM) }
        if waitUntilGone(groups, grace: termGrace) { return }
        for group in groups { _ = launcher.signalGroup(group.pgid, SIGKILL) }
        _ = waitUntilGone(groups, grace: killGrace)
    }

    /// Records that gob is stopping these jobs' current processes, so their ends are
    /// reported as gob's doing (`stopped_by_gob`).
    private func markStopRequested(_ groups: [(id: String, pgid: Int32)]) {
        state.withLock { state in
            for group in groups where state.jobs[group.id]?.pid == group.pgid {
                state.jobs[group.id]?.stopRequested = true
            }
        }
    }

    /// Sleeps until every listed job's leader is reaped and its group is empty, or `grace`
    /// passes. Woken by each reap; rechecks now and then for members that are not ours.
    private func waitUntilGone(_ groups: [(id: String, pgid: Int32)], grace: Int64) -> Bool {
        let deadline = MonotonicClock.now() + grace
        return state.wait(until: deadline, recheckEvery: MonotonicClock.seconds(0.02)) { state -> Bool? in
            for group in groups {
                if let job = state.jobs[group.id], job.pid == group.pgid, job.running { return nil }
                if launcher.groupExists(group.pgid) { return nil }
            }
            for group in groups where state.jobs[group.id]?.pid == group.pgid {
                state.jobs[group.id]?.groupMayLinger = false
            }
            writeRecord(state)
            return true
        } ?? false
    }
}
