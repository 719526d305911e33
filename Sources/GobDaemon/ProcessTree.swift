/// Walks process trees down through `/proc/<pid>/task/<tid>/children`: from a job's main
/// process and from the processes the daemon adopted, never by reading every entry of
/// `/proc`, so a lookup costs what the job's tree holds, not what the machine runs.
enum ProcessTree {
    /// The PIDs of the children of `process`: of each of its threads, as a child belongs
    /// to the thread that forked it.
    static func children(of process: TreeProcess) -> [Int32] {
        children(of: process.pid, threads: process.threads)
    }

    /// The PIDs of the children of every thread of `pid`; with one thread, only its own
    /// file is read.
    static func children(of pid: Int32, threads: Int) -> [Int32] {
        if threads == 1 {
            return ProcFiles.contents("/proc/\(pid)/task/\(pid)/children").map(ProcFiles.pids) ?? []
        }
        var result: [Int32] = []
        for tid in ProcFiles.names(in: "/proc/\(pid)/task") {
            if let bytes = ProcFiles.contents("/proc/\(pid)/task/\(tid)/children") { result += ProcFiles.pids(in: bytes) }
        }
        return result
    }

    /// The processes below each of `roots`, the roots included, each root followed by its
    /// descendants depth first (children by PID), each with its depth below its root;
    /// PIDs in `skipping` (already listed) are left out, as is a child whose parent is no
    /// longer the process it was listed under (it ended and its number went to another).
    static func walk(from roots: [TreeProcess], skipping: Set<Int32> = []) -> [TreeProcess] {
        var result: [TreeProcess] = []
        var seen = skipping
        for root in roots where seen.insert(root.pid).inserted {
            var stack = [root]
            while let process = stack.popLast() {
                result.append(process)
                var below: [TreeProcess] = []
                for pid in children(of: process) where !seen.contains(pid) {
                    guard var child = TreeProcess.read(pid), child.ppid == process.pid else { continue }
                    seen.insert(pid)
                    child.depth = process.depth + 1
                    below.append(child)
                }
                // Depth first, lowest PID first: pushed in reverse.
                stack += below.sorted { $0.pid > $1.pid }
            }
        }
        return result
    }
}
