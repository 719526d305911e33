import Glibc
import GobProtocol
import GobSystem

/// The next new job's ID, picked ahead with its two `<rt>` links already made, so that
/// an `add` of a new job creates no file in `<rt>`.
///
/// Making a link allocates an inode. On tmpfs, where `XDG_RUNTIME_DIR` usually is, that
/// costs microseconds; with `<rt>` on disk (no `XDG_RUNTIME_DIR`: under `/tmp`) ext4 took
/// 0.25–1 ms for each on a machine whose disk had seen many files deleted, twice in every
/// `add` (docs/performance.md). A thread of the daemon's picks an ID no job or reservation
/// has, makes its links (to run 1's logs, which do not exist until the job starts), and
/// offers it; `reserveNewJob` takes it when it is ready, and otherwise picks one as
/// before. The links of an ID that was never taken go at shutdown; a daemon that was
/// killed leaves them to the next one's `relinkAll`, which removes links of no job.
extension JobSupervisor {
    /// Starts the thread that keeps the next job's ID and links ready (the daemon does,
    /// once the links of stored jobs are made). Without a thread, every start makes its
    /// links itself, as before.
    func prepareNextJobs() {
        let start = state.withLock { state -> Bool in
            state.nextJobStopped = false
            guard !state.preparesNextJob, !state.closed else { return false }
            state.preparesNextJob = true
            return true
        }
        if start && !DetachedThread.start(stackSize: 128 * 1024, { [self] in keepNextJobReady() }) {
            state.withLock { $0.preparesNextJob = false }
        }
    }

    /// Stops the thread and removes the links of the next job's ID: at shutdown, and
    /// before an in-place restart, whose new image starts no `relinkAll` that would find
    /// them (`prepareNextJobs` starts again when the restart fails).
    func discardNextJob() {
        linkLock.withLock { _ in
            let next = state.withLock { state in
                defer { state.nextJob = nil }
                state.nextJobStopped = true
                return state.nextJob
            }
            nextJobPokes.withLockBroadcasting { $0 += 1 }
            if let next { _ = unlinkLogs(of: next.id) }
        }
    }

    /// After the reply to a start (`add`, `run`, `start`, `restart`) is out: what the start
    /// used is made again, the next job's ID and links and the launcher's spare logs.
    /// Making files then never competes with the start, nor with the process it
    /// spawned, for a CPU: on ext4 each costs a third of a millisecond or more.
    public func prepareAhead() {
        let taken = state.withLock { state -> Bool in
            defer { state.nextJobTaken = false }
            return state.nextJobTaken
        }
        if taken { nextJobPokes.withLockBroadcasting { $0 += 1 } }
        launcher.prepareAhead()
    }

    /// The thread's work: whenever no next job is offered, pick one and make its links.
    /// It sleeps until poked (`nextJobPokes`: a start that took the offer has replied,
    /// or the daemon is closing), and ends when the daemon closes.
    private func keepNextJobReady() {
        var seen: UInt64?
        while true {
            if let looked = seen { seen = nextJobPokes.wait { pokes in pokes > looked ? pokes : nil } }
            else { seen = nextJobPokes.withLock { $0 } }
            let picked = state.withLock { state -> String?? in
                if state.closed || state.nextJobStopped {
                    state.preparesNextJob = false
                    return .some(nil)
                }
                guard state.nextJob == nil, !state.linksPending else { return nil }
                let id = state.unusedJobID()
                state.nextJob = (id, false)
                return .some(id)
            }
            guard let picked else { continue }
            guard let id = picked else { return }
            // The client reading the reply of the start that took the last offer may share
            // this CPU: it goes first.
            sched_yield()
            linkLock.withLock { _ in
                // Discarded meanwhile (shutdown): nothing to make.
                guard state.withLock({ $0.nextJob?.id == id }) else { return }
                writeLinks(of: id, number: 1)
                state.withLockBroadcasting { state in
                    if state.nextJob?.id == id { state.nextJob?.linked = true }
                }
            }
        }
    }
}
