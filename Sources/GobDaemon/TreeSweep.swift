import Glibc

/// One stop's hold on the process trees of the jobs it ends. It looks the trees up,
/// claims each process found (a pidfd checked against the start time found, so a PID
/// reused since the lookup is never signalled), signals what the jobs' group signals do
/// not reach, looks again for processes forked meanwhile, and tells what is left.
///
/// Used by one stopping thread at a time; not shared.
final class TreeSweep {
    /// A claimed process and what became of the signals sent to it.
    struct Held {
        let claim: ClaimedProcess
        let job: String
        /// The last signal sent to it was refused (EPERM: another user's process).
        var refused = false
    }

    private let trees: JobTrees
    /// Every job that may have processes, read when needed: adopted processes are given
    /// to the right job only when all are known.
    private let roots: () -> [JobTrees.Root]
    /// The jobs this stop ends, with their process group's number.
    private let groups: [String: Int32]
    private(set) var held: [ProcessIdentity: Held] = [:]

    init(trees: JobTrees, groups: [(id: String, pgid: Int32)], roots: @escaping () -> [JobTrees.Root]) {
        self.trees = trees
        self.roots = roots
        var byID: [String: Int32] = [:]
        for group in groups { byID[group.id] = group.pgid }
        self.groups = byID
        refresh()
    }

    /// Looks the trees up again and claims every live process not held yet; their
    /// identities.
    @discardableResult
    func refresh() -> [ProcessIdentity] {
        let found = trees.lookUp(roots(), wanted: Set(groups.keys))
        var new: [ProcessIdentity] = []
        for (job, processes) in found {
            for process in processes where process.isLive && held[process.identity] == nil {
                guard let claim = ClaimedProcess.claim(process) else { continue }
                held[process.identity] = Held(claim: claim, job: job)
                new.append(process.identity)
            }
        }
        return new
    }

    /// Sends `signal` to the held processes (only those of `only` when given) that have
    /// not ended, except members of a job's group whose group signal was delivered
    /// (`reached`): each process gets each signal once.
    func signal(_ signal: Int32, reached: Set<String> = [], only: [ProcessIdentity]? = nil) {
        let targets = only ?? Array(held.keys)
        for identity in targets {
            guard var entry = held[identity], !entry.claim.hasExited else { continue }
            // A member of a group the signal reached got it; signal 0 asks only whether
            // it could be signalled at all.
            let inGroup = reached.contains(entry.job) && groups[entry.job] == entry.claim.process.pgid
            entry.refused = entry.claim.signal(inGroup ? 0 : signal) == EPERM
            held[identity] = entry
        }
    }

    /// Held processes that have not ended.
    var remaining: [Held] { held.values.filter { !$0.claim.hasExited } }

    /// Something is left, and every process left refused the last signal: waiting longer
    /// cannot make it go.
    var onlyRefusedRemain: Bool {
        let left = remaining
        return !left.isEmpty && left.allSatisfy(\.refused)
    }

    /// The processes still there, by PID, with what is known of why.
    func survivors() -> [SurvivingProcess] {
        remaining.map { entry in
            let pid = entry.claim.process.pid
            var reason: String?
            if entry.refused {
                let owner = Self.uid(of: pid).map { "uid \($0), " } ?? ""
                reason = owner + "not permitted to signal it"
            } else if TreeProcess.read(pid)?.state == UInt8(ascii: "D") {
                reason = "in uninterruptible sleep"
            }
            return SurvivingProcess(pid: pid, job: entry.job, reason: reason)
        }.sorted { $0.pid < $1.pid }
    }

    /// The real user ID of `pid` (`Uid:` of its status).
    private static func uid(of pid: Int32) -> UInt32? {
        guard let bytes = ProcFiles.contents("/proc/\(pid)/status", limit: 16384) else { return nil }
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("Uid:".utf8)) {
            let fields = line.dropFirst(4).split(whereSeparator: { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: " ") })
            return fields.first.flatMap { UInt32(String(decoding: $0, as: UTF8.self)) }
        }
        return nil
    }
}
