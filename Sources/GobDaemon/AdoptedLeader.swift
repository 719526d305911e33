import CGobShims
import Glibc
import GobStore
import GobSystem

/// The main process of a job that a previous daemon left running, taken over by this
/// one: proved to be that very process (its PID names a process with the start time the
/// run recorded, on the boot it recorded) and held by a pidfd opened before the proof, so
/// that a process given the number later is never taken for it.
///
/// After an in-place restart the process is still this daemon's child (`execve` keeps
/// the PID and its children): its end is reaped and its exit status known. After an
/// unclean end (killed, crashed) it is not: its end is learnt through the pidfd.
struct AdoptedLeader: Sendable {
    let jobID: String
    /// The run it is the process of.
    let run: Int64
    let pid: Int32
    let startTime: UInt64
    /// This daemon's child: the previous image was this very process.
    let child: Bool
    /// Nil only on kernels without `pidfd_open` (before Linux 5.3): there a leader that
    /// is no child is watched by looking at its start time now and then.
    let handle: ProcessHandle?

    /// The leader of `run` when it is still there; nil when it has ended, or its PID
    /// names another process now. The caller has checked that the run belongs to this
    /// boot. A child may have ended without being reaped yet: the reaper reports it.
    static func claim(_ run: RunRecord) -> AdoptedLeader? {
        guard let startTime = run.processStartTime, run.pid > 1 else { return nil }
        let descriptor = gob_pidfd_open(run.pid)
        if descriptor < 0 {
            // Without pidfds the start time alone tells the process apart.
            guard errno == ENOSYS, let child = isThere(run.pid, startTime: startTime) else { return nil }
            return AdoptedLeader(jobID: run.jobID, run: run.number, pid: run.pid, startTime: startTime, child: child, handle: nil)
        }
        // Opened first, checked after: if the PID named another process by now, the
        // check fails; if it names ours, the pidfd names it for good.
        guard let child = isThere(run.pid, startTime: startTime), child || gob_pidfd_exited(descriptor) == 0 else {
            _ = close(descriptor)
            return nil
        }
        return AdoptedLeader(
            jobID: run.jobID, run: run.number, pid: run.pid, startTime: startTime, child: child,
            handle: ProcessHandle(pid: run.pid, descriptor: descriptor))
    }

    /// `claim` of each of `runs`, by run ID. Many are claimed on two threads: each claim
    /// opens a pidfd and reads `/proc/<pid>/stat`, and an in-place restart with 1,000
    /// running jobs spent 40 % of reading its state back on them, one after the other,
    /// while the second CPU idled.
    static func claimAll(_ runs: [RunRecord]) -> [String: AdoptedLeader] {
        let claimed = TwoThreads.map(runs, minimum: claimsForTwoThreads) { part in
            part.compactMap { run in claim(run).map { (run.id, $0) } }
        }
        return Dictionary(claimed) { first, _ in first }
    }

    /// How many runs `claimAll` claims on two threads from.
    static let claimsForTwoThreads = 64

    /// Whether `pid` is the process that started at `startTime`: nil when not (or it is
    /// gone), else whether it is this daemon's child. Only a child may be a zombie (its
    /// end is still to be reaped here).
    static func isThere(_ pid: Int32, startTime: UInt64) -> Bool? {
        guard let stat = ProcFS.stat(of: pid), stat.startTime == startTime else { return nil }
        let child = stat.parent == getpid()
        guard child || stat.isLive else { return nil }
        return child
    }

    /// Whether `pid` is a live process (not a zombie) that started at `startTime`.
    static func isAlive(_ pid: Int32, startTime: UInt64) -> Bool {
        guard let stat = ProcFS.stat(of: pid) else { return false }
        return stat.startTime == startTime && stat.isLive
    }

    /// The process as the supervisor reaches it: a child as any it started, another
    /// through its pidfd alone.
    var process: LaunchedProcess {
        LaunchedProcess(pid: pid, startTime: startTime, handle: handle, adopted: !child)
    }
}
