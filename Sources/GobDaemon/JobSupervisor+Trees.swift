import Glibc
import GobProtocol
import GobSystem

/// A job's whole process tree: what `stop` ends and verifies, what `ps` shows, where
/// `ports` looks. The lookups read `/proc` and are done outside the job table's lock;
/// the table is read for the jobs' roots and written only through the change path.
extension JobSupervisor {
    /// What `ports` reports for one job.
    public struct JobPorts: Sendable, Equatable {
        public var id: String
        public var status: JobSnapshot.Status
        public var pid: Int32
        /// Live processes in its tree now.
        public var processes: Int
        public var ports: [ListeningPort]

        public var json: JSON {
            .object([
                ("id", .string(id)), ("status", .string(status.rawValue)), ("pid", .int(Int64(pid))),
                ("processes", .int(Int64(processes))), ("ports", .array(ports.map(\.json))),
            ])
        }
    }

    // MARK: Ports and processes

    /// The listening ports of job `jobID`'s tree, or of every job of `workdir` (every
    /// job when nil) that may have processes, newest first; looked up now. Running jobs
    /// whose ports changed announce it (`ports_updated`).
    public func ports(jobID: String?, workdir: OSString?) throws(SupervisorError) -> [JobPorts] {
        let jobs = try state.withLock { state throws(SupervisorError) -> [Job] in
            if let jobID {
                guard let job = state.jobs[jobID] else { throw .notFound(jobID) }
                return [job]
            }
            // Stopped jobs too: what a job's main process left may still listen.
            return state.jobs.values.filter { workdir == nil || $0.workdir == workdir }.sorted(by: Job.newestFirst)
        }
        guard let trees else {
            return jobs.map { JobPorts(id: $0.id, status: $0.running ? .running : .stopped, pid: $0.pid, processes: 0, ports: []) }
        }
        let found = trees.lookUp(treeRoots(), wanted: Set(jobs.map(\.id)), sockets: true)
        let ports = ListeningSockets.ports(of: found)
        updatePorts(jobs.filter(\.running).map { ($0.id, $0.pid, ports[$0.id] ?? []) }, waiting: true)
        return jobs.compactMap { job in
            let processes = found[job.id]?.filter(\.isLive).count ?? 0
            // A stopped job with nothing left is only listed when asked for by name.
            if jobID == nil && !job.running && processes == 0 { return nil }
            return JobPorts(
                id: job.id, status: job.running ? .running : .stopped, pid: job.pid, processes: processes,
                ports: ports[job.id] ?? [])
        }
    }

    /// Job `id` and the processes of its tree now, each root followed by its descendants.
    public func processes(of id: String) throws(SupervisorError) -> (job: JobSnapshot, processes: [JobProcess]) {
        let snapshot = try job(id)
        guard let trees else { return (snapshot, []) }
        let found = trees.lookUp(treeRoots(), wanted: [id])[id] ?? []
        let ticks = Int64(max(sysconf(Int32(_SC_CLK_TCK)), 1))
        let page = Int64(max(sysconf(Int32(_SC_PAGESIZE)), 1))
        return (snapshot, found.map { $0.reported(ticksPerSecond: ticks, pageSize: page) })
    }

    /// A `list` of `scope` was answered: its jobs' ports are looked up again soon, when
    /// the last look is old.
    func portsListed(scope: OSString?) {
        portSchedule?.listed(scope: scope)
    }

    /// Jobs with a port lookup still scheduled (0 once the daemon is idle).
    public var pendingPortLookups: Int { portSchedule?.pendingCount ?? 0 }

    /// One round of the schedule: looks up the due jobs (those still running the run
    /// looked for) and the running jobs of the listed directories.
    func performPortLookups(_ work: PortSchedule.Work) {
        guard let trees else { return }
        let targets = state.withLock { state -> [String: Int32] in
            var targets: [String: Int32] = [:]
            for (id, pid) in work.jobs where state.jobs[id]?.pid == pid && state.jobs[id]?.running == true {
                targets[id] = pid
            }
            if !work.scopes.isEmpty {
                for job in state.jobs.values where job.running && work.scopes.contains(where: { $0 == nil || $0 == job.workdir }) {
                    targets[job.id] = job.pid
                }
            }
            return targets
        }
        guard !targets.isEmpty else { return }
        let found = trees.lookUp(treeRoots(), wanted: Set(targets.keys), sockets: true)
        let ports = ListeningSockets.ports(of: found)
        updatePorts(targets.map { ($0.key, $0.value, ports[$0.key] ?? []) }, waiting: false)
    }

    /// Stores the ports found for runs that still go on, through the change path, which
    /// announces each change; a run waiting for a port may become ready with them.
    func updatePorts(_ found: [(id: String, pid: Int32, ports: [ListeningPort])], waiting: Bool) {
        let changed = state.withLockBroadcasting { state -> Bool in
            var changed = false
            for entry in found {
                guard var job = state.jobs[entry.id], job.running, job.pid == entry.pid, job.ports != entry.ports else { continue }
                job.ports = entry.ports
                apply(.portsUpdated(job), in: &state)
                portsFound(for: &job, in: &state)
                changed = true
            }
            return changed
        }
        if changed { commit(waiting: waiting) }
    }

    // MARK: Trees for stopping

    /// Every job that may have processes, as the tree lookups need them: adopted
    /// processes go to the right job only when all jobs are known.
    func treeRoots() -> [JobTrees.Root] {
        state.withLock { state in
            state.jobs.values.compactMap { job in
                guard job.pid > 0 else { return nil }
                let leader = job.running ? ProcessIdentity(pid: job.pid, startTime: job.startTime ?? 0) : nil
                return JobTrees.Root(id: job.id, pgid: job.pid, leader: leader)
            }
        }
    }

    /// A sweep of the trees of `groups`, when the daemon looks at trees at all.
    func treeSweep(_ groups: [Group]) -> TreeSweep? {
        guard let trees else { return nil }
        return TreeSweep(trees: trees, groups: groups.map { ($0.id, $0.process.pid) }, roots: { [self] in treeRoots() })
    }

    /// Looks the trees up again and sends this phase's signal (and SIGCONT after SIGTERM)
    /// to the processes found for the first time; how many there were.
    @discardableResult
    func signalNewlyFound(_ sweep: TreeSweep, _ phase: Int32) -> Int {
        let new = sweep.refresh()
        guard !new.isEmpty else { return 0 }
        sweep.signal(phase, only: new)
        if phase == SIGTERM { sweep.signal(SIGCONT, only: new) }
        return new.count
    }

    /// What is left of `groups` after a stop gave up: each job's surviving processes (an
    /// empty list when only its group is known to have live members).
    func survivors(of groups: [Group], sweep: TreeSweep?) -> [String: [SurvivingProcess]] {
        var result: [String: [SurvivingProcess]] = [:]
        for survivor in sweep?.survivors() ?? [] { result[survivor.job, default: []].append(survivor) }
        for group in groups where result[group.id] == nil {
            let leaderRuns = state.withLock { state in
                state.jobs[group.id].map { $0.pid == group.process.pid && $0.running } ?? false
            }
            if leaderRuns || launcher.groupHasLiveMembers(group.process) { result[group.id] = [] }
        }
        return result
    }

    /// The error of a stop that left processes: names each, and why it may not have gone.
    static func survivorMessage(job id: String, leader: Int32, _ survivors: [SurvivingProcess]) -> String {
        switch survivors.count {
        case 0: return "process \(leader) still running after SIGKILL"
        case 1: return "job \(id): process \(survivors[0].description) still running after SIGKILL"
        default:
            return "job \(id): \(survivors.count) processes still running after SIGKILL: "
                + survivors.map(\.description).joined(separator: ", ")
        }
    }

    /// Whether job `id` has processes the daemon adopted (what its main process left).
    /// `cheap`: only what reading the daemon's children tells (on every process end).
    func hasAdoptedProcesses(_ id: String, cheap: Bool = false) -> Bool {
        !jobsWithAdoptedProcesses(among: [id], cheap: cheap).isEmpty
    }

    /// The jobs among `ids` that have adopted processes; none without trees.
    func jobsWithAdoptedProcesses(among ids: Set<String>, cheap: Bool = false) -> Set<String> {
        guard let trees, !ids.isEmpty else { return [] }
        return trees.jobsWithAdoptedProcesses(treeRoots(), among: ids, cheap: cheap)
    }

    /// SIGKILL to what is left of a job's tree as it is removed (it is out of the table,
    /// so it is named as a root of its own): once it is gone, nothing would stop it.
    func killTree(ofRemoved job: Job) {
        guard let trees else { return }
        let root = JobTrees.Root(id: job.id, pgid: job.pid, leader: nil)
        let sweep = TreeSweep(trees: trees, groups: [(job.id, job.pid)], roots: { [self] in treeRoots() + [root] })
        sweep.signal(SIGKILL)
    }
}
