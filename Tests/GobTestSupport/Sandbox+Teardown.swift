import Glibc
import Testing

/// Finding and ending every process of a sandbox.
extension Sandbox {
    /// The sandbox's processes: those below the test process that carry its marker (the
    /// programs the test ran, daemons they started, tmux servers, orphaned jobs), and
    /// everything below them, parents first (`ProcessScan.tree(marked:)`).
    public var processTree: [ProcessScan.Entry] {
        ProcessScan.tree(marked: marker)
    }

    /// SIGKILL to every process of the sandbox, round after round until none is left
    /// (whatever forks meanwhile shows up in the next round), then reaps what the test
    /// process has to. Each process is signalled through a pidfd taken while its start
    /// time was the one seen in the walk, so a reused PID is never hit.
    func stopEverything() async {
        for pid in children.all { kill(pid, SIGKILL) }
        var left: [ProcessScan.Entry] = []
        for _ in 0..<10 {
            left = processTree.filter { $0.state != "Z" }
            if left.isEmpty { break }
            let handles = left.compactMap { ProcessHandle($0.pid, startTime: $0.startTime) }
            for handle in handles { handle.signal(SIGKILL) }
            for handle in handles { _ = await handle.exit() }
            left = processTree.filter { $0.state != "Z" }
        }
        for pid in children.all {
            if let handle = ProcessHandle(pid) { _ = await handle.exit() }
            _ = ChildProcess.reap(pid)
            children.reaped(pid)
        }
        ProcessScan.reapAdoptedZombies()
        // A daemon the walk missed (adopted by a process of another sandbox) would
        // outlive the test run, serving a removed directory: the PID file names it (its
        // marker proves the PID is not reused), it is ended, and the escape is reported
        // with its parent, to be traced.
        if let pid = daemonPID, ProcessScan.hasEnvironment(pid, marker), let entry = ProcessScan.entry(pid), entry.state != "Z" {
            if let handle = ProcessHandle(pid, startTime: entry.startTime) {
                handle.signal(SIGKILL)
                _ = await handle.exit()
            }
            Issue.record("daemon \(pid) of sandbox \(base) escaped the teardown's walk (parent \(entry.ppid): \(ProcessScan.entry(entry.ppid)?.arguments ?? []))")
        }
        if !left.isEmpty {
            Issue.record("processes of sandbox \(base) survived SIGKILL: \(left.map { "\($0.pid) \($0.arguments)" })")
        }
    }
}
