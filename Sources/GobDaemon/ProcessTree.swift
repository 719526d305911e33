import Glibc

/// Walks process trees down through `/proc/<pid>/task/<tid>/children`: from a job's main
/// process and from the processes the daemon adopted, never by reading every entry of
/// `/proc`, so a lookup costs what the job's tree holds, not what the machine runs.
enum ProcessTree {
    /// The PIDs of the children of every thread of `pid` (a child belongs to the thread
    /// that forked it); with one thread, only its own file is read.
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

    /// The inodes of the sockets `pid` holds open; nil when its descriptors cannot be
    /// read (another user's process). Each link is read relative to the open `fd`
    /// directory.
    static func socketInodes(of pid: Int32) -> [UInt64]? {
        let prefix = Array("socket:[".utf8)
        var inodes: [UInt64] = []
        let listed = ProcFiles.names(at: AT_FDCWD, "/proc/\(pid)/fd") { directory, name in
            guard let target = ProcFiles.link(at: directory, name), target.starts(with: prefix),
                  target.last == UInt8(ascii: "]")
            else { return }
            var inode: UInt64 = 0
            for byte in target.dropFirst(prefix.count).dropLast() {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return }
                inode = inode &* 10 &+ UInt64(byte - UInt8(ascii: "0"))
            }
            inodes.append(inode)
        }
        return listed == nil ? nil : inodes
    }

    /// The processes below each of `roots`, the roots included, each root followed by its
    /// descendants depth first (children by PID), each with its depth below its root;
    /// PIDs in `skipping` (already listed) are left out, as is a child whose parent is no
    /// longer the process it was listed under (it ended and its number went to another).
    ///
    /// With `sockets`, each live process's socket inodes are read on the way.
    static func walk(from roots: [TreeProcess], skipping: Set<Int32> = [], sockets: Bool = false) -> [TreeProcess] {
        var result: [TreeProcess] = []
        var seen = skipping
        for root in roots where seen.insert(root.pid).inserted {
            var stack = [root]
            while var process = stack.popLast() {
                if sockets && process.isLive { process.sockets = socketInodes(of: process.pid) }
                result.append(process)
                var below: [TreeProcess] = []
                for pid in children(of: process.pid, threads: process.threads) where !seen.contains(pid) {
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
