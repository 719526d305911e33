import Glibc
import GobProtocol
import GobStore
import GobSystem

/// Where the repair of a removed state directory stands (`JobSupervisor+StateLoss`).
enum StateRepair: Sendable {
    case idle
    /// An in-place restart that makes the directory again is under way.
    case underWay
    /// It failed: why, for every start refused from then on.
    case failed(String)
}

extension Daemon {
    /// The state database or logs directory is gone (a start found it, or the guard saw
    /// the state directory change): restarts in place, on a thread of its own,
    /// making the state directory and a database with every job again just before the
    /// exec (`remakeStateIfRemoved`). Nil while that is under way (the start is sent
    /// again, to the new image); why not when an earlier try failed.
    func stateLost() -> String? {
        let start = stateRepair.withLock { repair -> String?? in
            switch repair {
            case let .failed(reason): return .some(reason)
            case .underWay: return .some(nil)
            case .idle:
                repair = .underWay
                return nil
            }
        }
        if let answer = start { return answer }
        logger.warning("The state directory \(state.paths.directory) was removed under the daemon: making it again, then restarting in place")
        let started = DetachedThread.start { [self] in
            // Returns only when the restart did not happen.
            let refusal = restartInPlace(replyingOn: nil)
            // Tried again by the next start after a transient refusal; otherwise every start
            // from now on says why it failed.
            stateRepair.withLock { $0 = refusal.transient ? .idle : .failed(refusal.description) }
        }
        if started { return nil }
        let reason = "cannot start a thread: \(SystemError.last)"
        stateRepair.withLock { $0 = .failed(reason) }
        return reason
    }

    /// When the database or the logs directory is no longer at its path (the state
    /// directory removed), makes the state directory again, and a database holding every
    /// job and its latest run if the database went, for the image an in-place restart is
    /// about to execute; nil when done or not needed, else why not. Called with the
    /// reaper's reports held, after the last commit.
    ///
    /// The runs' logs went with the directory: each latest run gets empty ones, so that
    /// its logs can still be read and followed. What a running process writes next goes
    /// to the file it holds open, which was deleted: that output is never shown, and
    /// restarting the job brings its output back.
    func remakeStateIfRemoved() -> String? {
        guard !supervisor.stateIsInPlace else { return nil }
        let paths = state.paths
        // Made and checked as at start-up. Its lock is the one this daemon holds when the
        // directory itself is still there (a copy of the descriptor, whose closing on
        // return lets nothing go); a new directory's is let go on return, for the new image.
        let held = fcntl(state.lockDescriptor, F_DUPFD_CLOEXEC, 0)
        let directory: StateDirectory
        do throws(RuntimeDirectoryError) { directory = try StateDirectory.open(paths, inheritedLock: held >= 0 ? held : nil) } catch {
            return error.description
        }
        let snapshot = supervisor.storeSnapshot()
        // A database still in place keeps the history it has.
        if !supervisor.storeIsInPlace {
            do throws(StoreError) {
                _ = try Store.open(path: paths.database).write(snapshot)
            } catch {
                return error.description
            }
            logger.warning("Made the state database \(paths.database) again with \(snapshot.entries.count) job(s)")
        }
        for (id, entry) in snapshot.entries {
            for run in entry.runs.values where !run.logsPruned {
                for stream in RunLogs.Stream.allCases {
                    _ = directory.createEmptyLog(RunLogs.name(job: id, number: run.number, stream), mode: 0o644)
                }
            }
        }
        return nil
    }
}
