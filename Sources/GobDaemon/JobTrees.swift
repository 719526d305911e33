import Glibc
import GobSystem
import Synchronization

/// Finds the process tree of each job: every process that descends from the job's main
/// process, whatever process group or session it moved to.
///
/// The daemon is the child subreaper of everything it starts, so a job's process whose
/// parent ends is not lost to init: it becomes a child of the daemon. A lookup therefore
/// walks down from the job's main process (while it lives) and from the daemon's own
/// children that are not job leaders — the adopted ones — each of which it gives to a job:
///
/// 1. a process seen in that job's tree by an earlier lookup (by PID and start time);
/// 2. else the job named by `GOB_JOB_ID` in its environment, which every job starts with
///    and its descendants inherit;
/// 3. else the job whose process group it is in.
///
/// What escapes: a process that clears `GOB_JOB_ID` from its environment, leaves the
/// job's process group, and whose parent ends before any lookup saw it. Reading another
/// user's environment fails; such a process is found through its parent, or its group.
///
/// Reading every entry of `/proc` happens only when the daemon could not make itself a
/// subreaper (orphans then go to init, outside its reach by parent links): then adopted
/// processes are found by their marker or a previous sighting in a scan of `/proc`.
public final class JobTrees: Sendable {
    /// What a lookup knows of one job.
    public struct Root: Sendable, Equatable {
        public var id: String
        /// The job's process group: its main process's PID (the current or last run).
        public var pgid: Int32
        /// Its main process while it runs (and has not been reaped), with the start time
        /// when known: the root of the tree.
        public var leader: ProcessIdentity?

        public init(id: String, pgid: Int32, leader: ProcessIdentity?) {
            self.id = id
            self.pgid = pgid
            self.leader = leader
        }
    }

    /// The daemon's PID: the parent of every job leader and of every adopted process.
    let daemonPID: Int32
    /// Whether the daemon is the child subreaper of its jobs' processes.
    let adoptsOrphans: Bool
    /// Processes seen in each job's tree by the last lookup of that job: an adopted
    /// process whose environment cannot be read (another user's) and that left the group
    /// is still known as the job's.
    private let seen = Mutex<[ProcessIdentity: String]>([:])

    public init(daemonPID: Int32, adoptsOrphans: Bool) {
        self.daemonPID = daemonPID
        self.adoptsOrphans = adoptsOrphans
    }

    /// The marker a job's environment carries: descendants inherit it.
    public static let markerName = "GOB_JOB_ID"

    /// The trees of the jobs in `wanted` (of every root when nil), each root first and
    /// then its descendants, depth first; `roots` must name every job that may have
    /// processes, so that adopted processes go to the right one.
    ///
    /// Processes only ever move from below a job's main process (or an adopted one) to
    /// the daemon, never back: so the trees are walked first and the daemon's children
    /// read after, again until no new adopted process turns up. A process whose parent
    /// ends during the lookup is found either way.
    ///
    /// With `sockets`, each live process's socket inodes are read too (for `ports`).
    public func lookUp(_ roots: [Root], wanted: Set<String>? = nil, sockets: Bool = false) -> [String: [TreeProcess]] {
        let wantedIDs = wanted ?? Set(roots.map(\.id))
        var trees: [String: [TreeProcess]] = [:]
        var visited: Set<Int32> = []
        // A process two trees reach (a tree inside another's) goes to the first of them,
        // as a walk of one tree after the other would have it.
        for (id, tree) in walkLeaders(roots.filter { wantedIDs.contains($0.id) }, sockets: sockets) {
            let fresh = tree.filter { !visited.contains($0.pid) }
            visited.formUnion(fresh.map(\.pid))
            trees[id] = fresh
        }
        let context = Attribution(roots, remembered: seen.withLock { $0 })
        var examined: Set<Int32> = []
        for _ in 0..<4 {
            let adopted = adoptedProcesses(context, skipping: visited.union(examined))
            examined.formUnion(adopted.examined)
            let mine = adopted.owned.filter { wantedIDs.contains($0.owner) }
            if mine.isEmpty { break }
            for (process, owner) in mine {
                let tree = ProcessTree.walk(from: [process], skipping: visited, sockets: sockets)
                visited.formUnion(tree.map(\.pid))
                trees[owner, default: []] += tree
            }
        }
        remember(trees, roots: roots)
        return trees
    }

    /// The tree below each root's main process, in the order of `roots` (empty when it
    /// no longer runs). Many roots are walked on two threads: a lookup costs about a dozen
    /// reads of `/proc` per process, and `ports --all` over 20 jobs of 5 processes took
    /// 4.3 ms on one CPU.
    private func walkLeaders(_ roots: [Root], sockets: Bool) -> [(String, [TreeProcess])] {
        let walk = { @Sendable [daemonPID] (part: ArraySlice<Root>) -> [(String, [TreeProcess])] in
            var visited: Set<Int32> = []
            return part.map { root in
                // The main process is the one that started then (or, when its start time
                // is not known, the daemon's unreaped child, whose number is still its own).
                guard let leader = root.leader, let process = TreeProcess.read(leader.pid),
                      leader.startTime == 0 ? process.ppid == daemonPID : process.startTime == leader.startTime
                else { return (root.id, []) }
                let tree = ProcessTree.walk(from: [process], skipping: visited, sockets: sockets)
                visited.formUnion(tree.map(\.pid))
                return (root.id, tree)
            }
        }
        return TwoThreads.map(roots, minimum: Self.rootsForTwoThreads, walk)
    }

    /// How many roots a lookup walks on two threads from.
    static let rootsForTwoThreads = 8

    /// The IDs among `ids` of jobs that have processes the daemon adopted: what is left
    /// of a job whose main process ended. Reads only the daemon's children (and the
    /// environment of those that are not job leaders). Without a subreaper, a lookup of
    /// those jobs (a scan of `/proc`), unless `cheap` asks for nothing that costly.
    public func jobsWithAdoptedProcesses(_ roots: [Root], among ids: Set<String>, cheap: Bool = false) -> Set<String> {
        guard !ids.isEmpty else { return [] }
        guard adoptsOrphans else {
            if cheap { return [] }
            return Set(lookUp(roots, wanted: ids).filter { !$0.value.isEmpty }.keys)
        }
        let context = Attribution(roots, remembered: seen.withLock { $0 })
        return Set(adoptedProcesses(context, skipping: []).owned.map(\.owner)).intersection(ids)
    }

    /// What tells which job an adopted process belongs to.
    private struct Attribution {
        var known: Set<String> = []
        var groupOf: [Int32: String] = [:]
        var leaders: Set<Int32> = []
        var remembered: [ProcessIdentity: String]

        init(_ roots: [Root], remembered: [ProcessIdentity: String]) {
            self.remembered = remembered
            for root in roots {
                known.insert(root.id)
                groupOf[root.pgid] = root.id
                if let leader = root.leader { leaders.insert(leader.pid) }
            }
        }
    }

    /// The daemon's children that are not job leaders (nor in `skipping`), each with the
    /// job it belongs to (those that belong to none are left out), and every PID looked at.
    private func adoptedProcesses(
        _ context: Attribution, skipping: Set<Int32>
    ) -> (owned: [(process: TreeProcess, owner: String)], examined: [Int32]) {
        var owned: [(process: TreeProcess, owner: String)] = []
        var examined: [Int32] = []
        let candidates: [Int32]
        if adoptsOrphans {
            candidates = ProcessTree.children(of: daemonPID, threads: 0)
        } else {
            // Orphans went to init: only a scan of /proc finds them (rare: no subreaper).
            candidates = ProcFiles.names(in: "/proc").compactMap(Int32.init)
        }
        for pid in candidates where pid != daemonPID && !context.leaders.contains(pid) && !skipping.contains(pid) {
            examined.append(pid)
            guard let process = TreeProcess.read(pid) else { continue }
            // Without a subreaper every marked process is a candidate; the walk does not
            // list twice one that is also below another.
            if adoptsOrphans && process.ppid != daemonPID { continue }
            if let owner = context.remembered[process.identity], context.known.contains(owner) {
                owned.append((process, owner))
            } else if let marked = Self.marker(of: pid, settling: true), context.known.contains(marked) {
                owned.append((process, marked))
            } else if adoptsOrphans, let owner = context.groupOf[process.pgid] {
                owned.append((process, owner))
            }
        }
        return (owned, examined)
    }

    /// Keeps what each looked-up tree holds now, and forgets jobs that are gone.
    private func remember(_ trees: [String: [TreeProcess]], roots: [Root]) {
        let known = Set(roots.map(\.id))
        seen.withLock { seen in
            seen = seen.filter { known.contains($0.value) && trees[$0.value] == nil }
            for (id, processes) in trees {
                for process in processes { seen[process.identity] = id }
            }
        }
    }

    /// The job ID in `GOB_JOB_ID` of `pid`'s environment; nil when it has none or the
    /// environment cannot be read (another user's process).
    ///
    /// With `settling`, an environment that reads empty is read again, twice, a
    /// millisecond apart: a process in the middle of `execve` shows none until the new
    /// program's stack is set up, and an orphan caught then (a double fork that ends in
    /// `exec`) was given to no job, so `ps` did not list it (seen under load).
    static func marker(of pid: Int32, settling: Bool = false) -> String? {
        let attempts = settling ? 3 : 1
        for attempt in 1...attempts {
            guard let bytes = ProcFiles.contents("/proc/\(pid)/environ", limit: 4 << 20) else { return nil }
            if !bytes.isEmpty || attempt == attempts { return marker(inEnvironment: bytes) }
            MonotonicClock.sleep(milliseconds: 1)
        }
        return nil
    }

    /// The value of the last `GOB_JOB_ID=` entry of NUL-separated environment bytes.
    static func marker(inEnvironment bytes: [UInt8]) -> String? {
        let prefix = Array((markerName + "=").utf8)
        var found: String?
        for entry in bytes.split(separator: 0) where entry.starts(with: prefix) {
            found = String(decoding: entry.dropFirst(prefix.count), as: UTF8.self)
        }
        return found
    }
}
