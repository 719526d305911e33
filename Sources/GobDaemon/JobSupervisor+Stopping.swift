import Glibc
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

    /// A job's group as the stopping code handles it.
    typealias Group = (id: String, process: LaunchedProcess)

    /// `stop` (contract §2.6, §4.8.1, Decision D4): signals the job's process group and
    /// returns once no live process of it remains.
    public func stop(_ id: String, force: Bool) throws(SupervisorError) -> StopResult {
        try withJob(id) { () throws(SupervisorError) in
            guard let (job, process) = jobAndProcess(id) else { throw .notFound(id) }
            var killed = false
            if job.mayHaveProcesses {
                killed = try terminateGroup(of: id, process: process, force: force)
            }
            commit()
            return StopResult(pid: job.pid, wasRunning: job.running, killed: killed)
        }
    }

    /// `restart`: stops the job's group if anything of it runs, then starts anew (`ready`
    /// replacing its readiness rule). A job that could not start again (its working
    /// directory is gone) is left as it is.
    public func restart(
        _ id: String, environment: [OSString]?, settings: ProcessSettings? = nil, ready: ReadinessRule? = nil
    ) throws(SupervisorError) -> JobSnapshot {
        try withJob(id) { () throws(SupervisorError) in
            guard let (job, process) = jobAndProcess(id) else { throw .notFound(id) }
            // Before anything is stopped: a refused restart leaves the running job alone.
            try blockedCommands.check(command: job.command, workdir: job.workdir)
            do throws(LaunchError) {
                try launcher.checkWorkdir(job.workdir)
            } catch {
                throw SupervisorError(error.description, code: .spawnFailed)
            }
            if job.mayHaveProcesses {
                try terminateGroup(of: id, process: process, force: false)
            }
            return try relaunch(id, environment: environment, settings: settings, description: nil, ready: ready)
        }
    }

    /// `remove` (§2.10): drops a stopped job and its log files. Returns it as it was.
    public func remove(_ id: String) throws(SupervisorError) -> JobSnapshot {
        try withJob(id) { () throws(SupervisorError) in
            let (job, process) = try state.withLockBroadcasting { state throws(SupervisorError) -> (Job, LaunchedProcess?) in
                guard let job = state.jobs[id] else { throw .notFound(id) }
                if job.running { throw SupervisorError("cannot remove running job: \(id) (use 'stop' first)", code: .alreadyRunning) }
                let process = state.processes[id]
                drop(job, in: &state)
                return (job, process)
            }
            _ = finishDropping(job, process: process)
            commit()
            return job.snapshot
        }
    }

    /// `cleanup` (§2.11): drops every stopped job in scope. Returns how many.
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
        for (job, process) in removed { _ = finishDropping(job, process: process) }
        commit()
        return removed.count
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
        let targets = state.withLock { state in claimed.compactMap { id in state.jobs[id].map { ($0, state.processes[id]) } } }
        let running = targets.filter(\.0.running).count
        terminateGroups(targets.compactMap { job, process in
            guard job.mayHaveProcesses, let process else { return nil }
            return (job.id, process)
        })
        let removed = state.withLockBroadcasting { state in
            claimed.compactMap { id -> (Job, LaunchedProcess?)? in
                guard let job = state.jobs[id] else { return nil }
                let process = state.processes[id]
                drop(job, in: &state)
                return (job, process)
            }
        }
        var result = NukeResult(stopped: running, logsDeleted: 0, cleaned: removed.count)
        for (job, process) in removed { result.logsDeleted += finishDropping(job, process: process) }
        commit()
        return result
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

    /// The part of a removal outside the lock: processes its dead leader left in the group
    /// are killed (once the job is gone, nothing would ever stop them), the logs unlinked,
    /// the ID freed. Returns how many log files went.
    private func finishDropping(_ job: Job, process: LaunchedProcess?) -> Int {
        if job.groupMayLinger && !job.running, let process { _ = launcher.signalGroup(of: process, SIGKILL) }
        let deleted = removeLogs(of: job)
        release(job.id)
        return deleted
    }

    /// Unlinks the job's two logs (through the runtime directory's descriptor when there
    /// is one); how many existed.
    func removeLogs(of job: Job) -> Int {
        var deleted = 0
        for path in [job.stdoutPath, job.stderrPath] {
            let name = String(path.split(separator: "/").last ?? "")
            let removed: Bool
            if let directory, path == directory.paths.directory + "/" + name {
                removed = directory.withDescriptor { unlinkat($0, name, 0) } == 0
            } else {
                removed = unlink(path) == 0
            }
            if removed { deleted += 1 }
        }
        return deleted
    }

    /// SIGTERM (with SIGCONT, so a stopped job can act on it) or SIGKILL to one group,
    /// wait, escalate to SIGKILL after the grace period. Throws the real reason; returns whether SIGKILL was sent.
    @discardableResult
    func terminateGroup(of id: String, process: LaunchedProcess, force: Bool) throws(SupervisorError) -> Bool {
        markStopRequested([(id, process)])
        let first = force ? SIGKILL : SIGTERM
        let rc = launcher.signalGroup(of: process, first)
        if rc != 0 && rc != ESRCH {
            throw SupervisorError("failed to \(force ? "kill" : "stop") process: \(SystemError(rc))", code: .stopFailed)
        }
        if !force { _ = launcher.signalGroup(of: process, SIGCONT) }
        if waitUntilGone([(id, process)], grace: force ? killGrace : termGrace) { return force }
        if !force {
            let rc = launcher.signalGroup(of: process, SIGKILL)
            if rc != 0 && rc != ESRCH { throw SupervisorError("failed to kill process: \(SystemError(rc))", code: .stopFailed) }
            if waitUntilGone([(id, process)], grace: killGrace) { return true }
        }
        throw SupervisorError("process \(process.pid) still running after SIGKILL", code: .stopFailed)
    }

    /// Stops many groups at once (nuke, shutdown): SIGTERM all, wait, SIGKILL survivors.
    func terminateGroups(_ groups: [Group]) {
        guard !groups.isEmpty else { return }
        markStopRequested(groups)
        for group in groups {
            _ = launcher.signalGroup(of: group.process, SIGTERM)
            _ = launcher.signalGroup(of: group.process, SIGCONT)
        }
        if waitUntilGone(groups, grace: termGrace) { return }
        for group in groups { _ = launcher.signalGroup(of: group.process, SIGKILL) }
        _ = waitUntilGone(groups, grace: killGrace)
    }

    /// Records that gob is stopping these jobs' current processes, so their ends are
    /// reported as gob's doing (`stopped_by_gob`).
    private func markStopRequested(_ groups: [Group]) {
        state.withLock { state in
            for group in groups where state.jobs[group.id]?.pid == group.process.pid {
                state.jobs[group.id]?.stopRequested = true
            }
        }
    }

    /// Sleeps until every listed job's leader is reaped and no live process of its group
    /// remains, or `grace` passes. Woken by each reap; looks again now and then for members
    /// that are not the daemon's children (their ends are not announced). Zombies do not
    /// count: they are gone, only their parent has not said so yet.
    ///
    /// Whether a group still has members is one cheap system call, asked every 20 ms;
    /// telling live members from zombies reads `/proc` (a cost that grows with the
    /// machine's processes), so that is asked at growing intervals, up to twice a second.
    func waitUntilGone(_ groups: [Group], grace: Int64) -> Bool {
        let deadline = MonotonicClock.now() + grace
        let recheck = MonotonicClock.seconds(0.02)
        var scanInterval = recheck
        var nextScan = MonotonicClock.now()
        while true {
            let leadersReaped = state.wait(until: deadline) { state -> Bool? in
                for group in groups {
                    if let job = state.jobs[group.id], job.pid == group.process.pid, job.running { return nil }
                }
                return true
            } ?? false
            // Outside the lock: these are system calls and may read `/proc`.
            if leadersReaped {
                var remaining = groups.filter { launcher.groupMayHaveMembers($0.process) }
                let now = MonotonicClock.now()
                if !remaining.isEmpty && (now >= nextScan || now >= deadline) {
                    remaining = remaining.filter { launcher.groupHasLiveMembers($0.process) }
                    nextScan = now + scanInterval
                    scanInterval = min(scanInterval * 2, MonotonicClock.seconds(0.5))
                }
                if remaining.isEmpty {
                    state.withLockBroadcasting { state in
                        for group in groups { clearLingering(group.id, pid: group.process.pid, in: &state) }
                    }
                    commit(waiting: false)
                    return true
                }
            }
            let now = MonotonicClock.now()
            if now >= deadline { return false }
            _ = state.wait(until: min(deadline, now + recheck)) { _ -> Bool? in nil }
        }
    }
}
