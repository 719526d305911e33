import CGobShims
import Glibc
import GobStore

/// The main process of a job that a daemon which ended uncleanly (killed, crashed) left
/// running, taken over by the next daemon: proved to be that very process (its PID
/// names a live process with the start time the run recorded, on the boot it recorded)
/// and held by a pidfd opened before the proof, so that a process given the number
/// later is never taken for it.
struct AdoptedLeader: Sendable {
    let jobID: String
    /// The run it is the process of.
    let run: Int64
    let pid: Int32
    let startTime: UInt64
    /// Nil only on kernels without `pidfd_open` (before Linux 5.3): there the leader is
    /// watched by looking at its start time now and then.
    let handle: ProcessHandle?

    /// The leader of `run` when it still lives; nil when it has ended, or its PID names
    /// another process now. The caller has checked that the run belongs to this boot.
    static func claim(_ run: RunRecord) -> AdoptedLeader? {
        guard let startTime = run.processStartTime, run.pid > 1 else { return nil }
        let descriptor = gob_pidfd_open(run.pid)
        if descriptor < 0 {
            // Without pidfds the start time alone tells the process apart.
            guard errno == ENOSYS, isAlive(run.pid, startTime: startTime) else { return nil }
            return AdoptedLeader(jobID: run.jobID, run: run.number, pid: run.pid, startTime: startTime, handle: nil)
        }
        // Opened first, checked after: if the PID named another process by now, the
        // check fails; if it names ours, the pidfd names it for good.
        guard isAlive(run.pid, startTime: startTime), gob_pidfd_exited(descriptor) == 0 else {
            _ = close(descriptor)
            return nil
        }
        return AdoptedLeader(
            jobID: run.jobID, run: run.number, pid: run.pid, startTime: startTime,
            handle: ProcessHandle(pid: run.pid, descriptor: descriptor))
    }

    /// Whether `pid` is a live process (not a zombie) that started at `startTime`.
    static func isAlive(_ pid: Int32, startTime: UInt64) -> Bool {
        guard let entry = ProcessTable.entry(of: pid) else { return false }
        return entry.startTime == startTime && entry.isLive
    }

    /// The process as the supervisor reaches it: its group through the pidfd.
    var process: LaunchedProcess {
        LaunchedProcess(pid: pid, startTime: startTime, handle: handle, adopted: true)
    }
}
