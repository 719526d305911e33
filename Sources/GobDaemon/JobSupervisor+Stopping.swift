import Glibc
import GobProtocol
import GobSystem

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

    /// A job's group as the stopping code handles it.
    typealias Group = (id: String, process: LaunchedProcess)

    /// `stop`: signals the job's process group and
    /// every process of its tree, and returns once no live process of them remains.
    public func stop(_ id: String, force: Bool) throws(SupervisorError) -> StopResult {
        try withJob(id) { () throws(SupervisorError) in
            guard let (job, process) = jobAndProcess(id) else { throw .notFound(id) }
            var killed = false
            if job.mayHaveProcesses || hasAdoptedProcesses(id) {
                killed = try terminateGroup(of: id, process: process, force: force)
            }
            guard commit() else {
                throw SupervisorError("job \(id) was stopped, but \(storeFailure)", code: .ioError)
            }
            return StopResult(pid: job.pid, wasRunning: job.running, killed: killed)
        }
    }

    /// `restart`: stops the job's group if anything of it runs, then starts anew (`ready`
    /// replacing its readiness rule). A job that could not start again (its working
    /// directory is gone) is left as it is.
    public func restart(
        _ id: String, environment: [OSString]?, settings: ProcessSettings? = nil, ready: ReadinessRule? = nil
    ) throws(SupervisorError) -> JobSnapshot {
        // Before anything is stopped: a refused restart leaves the running job alone.
        try checkStateInPlace()
        return try withJob(id) { () throws(SupervisorError) in
            guard let (job, process) = jobAndProcess(id) else { throw .notFound(id) }
            try blockedCommands.check(command: job.command, workdir: job.workdir)
            do throws(LaunchError) {
                try launcher.checkWorkdir(job.workdir)
            } catch {
                throw SupervisorError(error.description, code: .spawnFailed)
            }
            if job.mayHaveProcesses || hasAdoptedProcesses(id) {
                try terminateGroup(of: id, process: process, force: false)
            }
            return try relaunch(id, environment: environment, settings: settings, description: nil, ready: ready)
        }
    }

    /// `remove`: drops a stopped job with all its runs and their log files. Returns it as
    /// it was.
    public func remove(_ id: String) throws(SupervisorError) -> JobSnapshot {
        try withJob(id) { () throws(SupervisorError) in
            let (job, process) = try state.withLockBroadcasting { state throws(SupervisorError) -> (Job, LaunchedProcess?) in
                guard let job = state.jobs[id] else { throw .notFound(id) }
                if job.running { throw SupervisorError("cannot remove running job: \(id) (use 'stop' first)", code: .alreadyRunning) }
                let process = state.processes[id]
                drop(job, in: &state)
                return (job, process)
            }
            let durable = commit()
            _ = finishDropping([(job, process)])
            guard durable else { throw SupervisorError(storeFailure, code: .ioError) }
            return job.snapshot
        }
    }

    /// `cleanup`: drops every stopped job in scope, with its runs and logs. Returns how
    /// many.
    public func cleanup(workdir: OSString?) -> Int {
        let removed = state.withLockBroadcasting { state in
            let jobs = state.jobs.values
                .filter { (workdir == nil || $0.workdir == workdir) && !$0.running && !$0.busy }
                .sorted(by: Job.newestFirst)
            return jobs.map { job -> (Job, LaunchedProcess?) in
                let process = state.processes[job.id]
                drop(job, in: &state)
                return (job, process)
            }
        }
        commit()
        _ = finishDropping(removed)
        return removed.count
    }

    /// What `nuke` did: jobs running when it began, log files unlinked, jobs removed, and
    /// the processes that survived SIGKILL, by job (those jobs are kept).
    public struct NukeResult: Sendable, Equatable {
        public var stopped: Int
        public var logsDeleted: Int
        public var cleaned: Int
        public var survivors: [String: [SurvivingProcess]] = [:]

        /// The error a nuke that left processes reports; nil when none survived.
        public var failure: String? {
            guard !survivors.isEmpty else { return nil }
            let named = survivors.keys.sorted().map { id in
                let pids = survivors[id]?.map(\.description) ?? []
                return pids.isEmpty ? "job \(id)" : "job \(id): " + pids.joined(separator: ", ")
            }
            return "processes still running after SIGKILL (their jobs were kept): " + named.joined(separator: "; ")
        }
    }

    /// `nuke`: stops every job in scope — all groups at once, waiting until each is gone —
    /// then removes them with their runs and logs.
    public func nuke(workdir: OSString?) -> NukeResult {
        let ids = state.withLock { state in
            state.jobs.values.filter { workdir == nil || $0.workdir == workdir }.map(\.id).sorted()
        }
        let claimed = claim(ids)
        let (jobs, survivors) = endClaimed(claimed)
        let running = jobs.filter(\.running).count
        let removed = state.withLockBroadcasting { state in
            claimed.compactMap { id -> (Job, LaunchedProcess?)? in
                // A job with survivors stays, so they can still be found and reported.
                guard let job = state.jobs[id], survivors[id] == nil else {
                    state.jobs[id]?.busy = false
                    return nil
                }
                let process = state.processes[id]
                drop(job, in: &state)
                return (job, process)
            }
        }
        commit()
        let deleted = finishDropping(removed)
        return NukeResult(stopped: running, logsDeleted: deleted, cleaned: removed.count, survivors: survivors)
    }

    /// The daemon's shutdown: stops every running job — all groups and trees at once,
    /// waiting until each is gone — and keeps them, their runs and their logs. Returns how
    /// many ran, and the processes that survived SIGKILL.
    public func stopAll() -> NukeResult {
        let ids = state.withLock { state in state.jobs.values.filter(\.mayHaveProcesses).map(\.id).sorted() }
        let claimed = claim(ids)
        let (jobs, survivors) = endClaimed(claimed)
        commit()
        state.withLockBroadcasting { state in for id in claimed { state.jobs[id]?.busy = false } }
        return NukeResult(stopped: jobs.filter(\.running).count, logsDeleted: 0, cleaned: 0, survivors: survivors)
    }

    /// `signal`: sends `signal` to the process group of a running job.
    public func signal(_ id: String, signal: Int32) throws(SupervisorError) -> Int32 {
        let (job, process) = try state.withLock { state throws(SupervisorError) -> (Job, LaunchedProcess?) in
            guard let job = state.jobs[id] else { throw .notFound(id) }
            guard job.running else { throw SupervisorError("job \(id) is not running", code: .notRunning) }
            return (job, state.processes[id])
        }
        let target = process ?? LaunchedProcess(pid: job.pid, startTime: job.startTime)
        let rc = launcher.signalGroup(of: target, signal)
        if rc != 0 && rc != ESRCH {
            throw SupervisorError("failed to send signal: \(SystemError(rc))", code: rc == EINVAL ? .invalidArgument : .internal)
        }
        return job.pid
    }

    // MARK: Helpers

    /// Marks the jobs `ids` busy, one by one in their order (sorted by the caller, so two
    /// nukes cannot deadlock), waiting for any operation on each; returns those that still
    /// existed.
    private func claim(_ ids: [String]) -> [String] {
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
        return claimed
    }

    /// Ends the processes of the claimed jobs, all groups and trees at once; the jobs as
    /// they were before, and the processes that survived SIGKILL, by job.
    private func endClaimed(_ claimed: [String]) -> (jobs: [Job], survivors: [String: [SurvivingProcess]]) {
        let targets = state.withLock { state in claimed.compactMap { id in state.jobs[id].map { ($0, state.processes[id]) } } }
        let adopted = jobsWithAdoptedProcesses(among: Set(claimed))
        let survivors = terminateGroups(targets.compactMap { job, process in
            guard job.mayHaveProcesses || adopted.contains(job.id) else { return nil }
            return (job.id, process ?? LaunchedProcess(pid: job.pid, startTime: job.startTime))
        })
        return (targets.map(\.0), survivors)
    }

    /// The job and its current process, read together.
    func jobAndProcess(_ id: String) -> (Job, LaunchedProcess)? {
        state.withLock { state in
            state.jobs[id].map { job in (job, state.processes[id] ?? LaunchedProcess(pid: job.pid, startTime: job.startTime)) }
        }
    }

    /// Takes `job` out of the table through the change path, keeping its ID reserved until
    /// its logs are gone (so a new job cannot get the ID and lose its fresh logs).
    private func drop(_ job: Job, in state: inout State) {
        state.reservations[job.id] = Reservation(creating: nil)
        apply(.removed(job), in: &state)
    }

    /// The part of a removal outside the lock: processes a dead leader left in its group
    /// or its tree are killed (once the job is gone, nothing would ever stop them), the
    /// links and every run's logs deleted, the IDs freed. Returns how many log files went.
    private func finishDropping(_ removed: [(Job, LaunchedProcess?)]) -> Int {
        for (job, process) in removed where job.groupMayLinger && !job.running {
            if let process { _ = launcher.signalGroup(of: process, SIGKILL) }
            killTree(ofRemoved: job)
        }
        let deleted = removeFiles(of: removed.map(\.0))
        for (job, _) in removed { release(job.id) }
        return deleted
    }

    /// Deletes the jobs' `<rt>` links and all their runs' logs; how many log files went.
    func removeFiles(of jobs: [Job]) -> Int {
        for job in jobs { unlinkLogs(of: job.id) }
        return logs.removeAll(ofJobs: Set(jobs.map(\.id)))
    }

    /// SIGTERM (with SIGCONT, so a stopped job can act on it) or SIGKILL to one job's
    /// group and every process of its tree, wait, escalate to SIGKILL after the grace
    /// period, then make sure nothing is left. Throws the real reason, naming the
    /// processes that survived; returns whether SIGKILL was sent.
    @discardableResult
    func terminateGroup(of id: String, process: LaunchedProcess, force: Bool) throws(SupervisorError) -> Bool {
        let outcome = try end([(id, process)], force: force)
        if let survivors = outcome.survivors[id] {
            throw SupervisorError(Self.survivorMessage(job: id, leader: process.pid, survivors), code: .stopFailed)
        }
        return outcome.killed
    }

    /// Stops many jobs at once (nuke, shutdown): SIGTERM all, wait, SIGKILL what is left.
    /// Returns the processes that survived, by job.
    @discardableResult
    func terminateGroups(_ groups: [Group]) -> [String: [SurvivingProcess]] {
        guard !groups.isEmpty else { return [:] }
        return (try? end(groups, force: false))?.survivors ?? [:]
    }

    /// What ending some jobs' processes came to.
    struct EndOutcome {
        /// SIGKILL was sent.
        var killed: Bool
        /// The jobs with processes left after SIGKILL (an empty list: the group's leader
        /// or members, not known one by one).
        var survivors: [String: [SurvivingProcess]]
    }

    /// The stop of `groups`: the first signal (SIGKILL when `force`) to each group and each
    /// process of each tree (found first, so a process forked after is found by the next
    /// look), a wait, SIGKILL to what is left after the grace period, and a last look.
    /// With one job, a signal the kernel refuses for another reason than a missing or
    /// foreign process is thrown at once.
    private func end(_ groups: [Group], force: Bool) throws(SupervisorError) -> EndOutcome {
        markStopRequested(groups)
        let sweep = treeSweep(groups)
        let first = force ? SIGKILL : SIGTERM
        try sendToAll(groups, first, sweep: sweep, failing: groups.count == 1)
        if waitUntilGone(groups, grace: force ? killGrace : termGrace, sweep: sweep, phase: first) {
            return EndOutcome(killed: force, survivors: [:])
        }
        if !force {
            try sendToAll(groups, SIGKILL, sweep: sweep, failing: groups.count == 1)
            if waitUntilGone(groups, grace: killGrace, sweep: sweep, phase: SIGKILL) {
                return EndOutcome(killed: true, survivors: [:])
            }
        }
        return EndOutcome(killed: true, survivors: survivors(of: groups, sweep: sweep))
    }

    /// Sends `signal` (and SIGCONT after SIGTERM) to each group and to the processes of the
    /// trees it did not reach. With `failing`, a refusal other than ESRCH and EPERM (which
    /// the survivors report will name) is thrown.
    private func sendToAll(_ groups: [Group], _ signal: Int32, sweep: TreeSweep?, failing: Bool) throws(SupervisorError) {
        var reached: Set<String> = []
        for group in groups {
            let rc = launcher.signalGroup(of: group.process, signal)
            if rc == 0 { reached.insert(group.id) }
            if failing && rc != 0 && rc != ESRCH && rc != EPERM {
                let verb = signal == SIGKILL ? "kill" : "stop"
                throw SupervisorError("failed to \(verb) process: \(SystemError(rc))", code: .stopFailed)
            }
            if signal == SIGTERM { _ = launcher.signalGroup(of: group.process, SIGCONT) }
        }
        sweep?.signal(signal, reached: reached)
        if signal == SIGTERM { sweep?.signal(SIGCONT, reached: reached) }
    }

    /// Records that gob is stopping these jobs' current processes, so their ends are
    /// reported as gob's doing (`stopped_by_gob`).
    func markStopRequested(_ groups: [Group]) {
        state.withLock { state in
            for group in groups where state.jobs[group.id]?.pid == group.process.pid {
                state.jobs[group.id]?.stopRequested = true
            }
        }
    }

    /// Sleeps until every listed job's leader is reaped, no live process of its group
    /// remains and no process of its tree is left, or `grace` passes. Woken by each reap;
    /// looks again now and then for members that are not the daemon's children (their
    /// ends are not announced) and for processes forked since the last look, which get
    /// the signal of this `phase`. Zombies do not count: they are gone, only their parent
    /// has not said so yet. Gives up early when all that is left refused every signal.
    ///
    /// Whether a group still has members is one cheap system call, asked every 20 ms, as
    /// is whether a claimed process ended (its pidfd); telling live members from zombies
    /// and looking the trees up again read `/proc` (a cost that grows with the machine's
    /// processes, or the trees'), so that is done at growing intervals, up to twice a
    /// second, and once more before declaring the jobs gone.
    func waitUntilGone(_ groups: [Group], grace: Int64, sweep: TreeSweep? = nil, phase: Int32 = SIGTERM) -> Bool {
        let deadline = MonotonicClock.now() + grace
        let recheck = MonotonicClock.seconds(0.02)
        var scanInterval = recheck
        var nextScan = MonotonicClock.now()
        while true {
            // Without a tree to watch, nothing but a reap or the deadline is worth waking
            // for until the leaders are gone.
            let wake = sweep == nil ? deadline : min(deadline, max(nextScan, MonotonicClock.now() + recheck))
            let leadersReaped = state.wait(until: wake) { state -> Bool? in
                for group in groups {
                    if let job = state.jobs[group.id], job.pid == group.process.pid, job.running { return nil }
                }
                return true
            } ?? false
            // Outside the lock: these are system calls and may read `/proc`.
            let now = MonotonicClock.now()
            let scanDue = now >= nextScan || now >= deadline
            if scanDue {
                nextScan = now + scanInterval
                scanInterval = min(scanInterval * 2, MonotonicClock.seconds(0.5))
                if let sweep { signalNewlyFound(sweep, phase) }
            }
            if leadersReaped {
                var remaining = groups.filter { launcher.groupMayHaveMembers($0.process) }
                if !remaining.isEmpty && scanDue {
                    remaining = remaining.filter { launcher.groupHasLiveMembers($0.process) }
                }
                // The last word is a fresh look at the trees: nothing forked meanwhile.
                if remaining.isEmpty, sweep.map({ $0.remaining.isEmpty && signalNewlyFound($0, phase) == 0 }) ?? true {
                    state.withLockBroadcasting { state in
                        for group in groups { clearLingering(group.id, pid: group.process.pid, in: &state) }
                    }
                    commit(waiting: false)
                    return true
                }
            }
            if scanDue, let sweep, sweep.onlyRefusedRemain { return false }
            if now >= deadline { return false }
            _ = state.wait(until: min(deadline, now + recheck)) { _ -> Bool? in nil }
        }
    }
}
