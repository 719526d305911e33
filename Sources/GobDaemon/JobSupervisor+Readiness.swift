import Glibc
import GobProtocol

/// Readiness: a run of a job with a rule is watched from its start (`watchReadiness`,
/// called where a run begins); the watcher's verdict comes back through
/// `readinessReported` and becomes a change of the job like any other — `ready_at` and
/// `job_ready`, or `job_ready_timed_out` — through the one change path. A run's end
/// cancels its watch (`apply`), and a run that ended is never reported ready afterwards.
extension JobSupervisor {
    /// Starts watching `job`'s just-begun run when the job has a rule. Only queues a
    /// request: safe with the table's lock held.
    func watchReadiness(of job: Job) {
        guard let rule = job.ready, job.running else { return }
        readiness.watch(ReadinessWatcher.Request(
            id: job.id, pid: job.pid, pattern: rule.log, paths: [job.stdoutPath, job.stderrPath],
            deadline: job.startedMonotonic + rule.timeoutMilliseconds * 1_000_000))
    }

    /// Applies the watcher's verdict on a run, if that run is still the job's current
    /// one, still running and still waiting.
    func readinessReported(_ report: ReadinessWatcher.Report) {
        let changed = state.withLockBroadcasting { state -> Bool in
            switch report {
            case let .ready(id, pid, at):
                guard var job = state.jobs[id], job.pid == pid, job.running, job.readiness == .waiting else { return false }
                job.readiness = .ready
                job.readyAtText = Timestamp.rfc3339(secondsSinceEpoch: clock() / 1_000_000_000)
                job.readyAfterNanos = max(0, at - job.startedMonotonic)
                apply(.ready(job), in: &state)
                return true
            case let .timedOut(id, pid):
                guard var job = state.jobs[id], job.pid == pid, job.running, job.readiness == .waiting else { return false }
                job.readiness = .timedOut
                apply(.readyTimedOut(job), in: &state)
                return true
            }
        }
        if changed { commit(waiting: false) }
    }

    /// A read-only descriptor of a job's log: through the runtime directory's descriptor
    /// when the log is in it (as the launcher opens it), never following a symbolic link.
    static func openLogForReading(_ path: String, in directory: RuntimeDirectory?) -> Int32? {
        let name = String(path.split(separator: "/").last ?? "")
        if let directory, path == directory.paths.directory + "/" + name {
            return try? directory.open(name, flags: O_RDONLY)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        return fd >= 0 ? fd : nil
    }
}
