import GobProtocol
import GobStore

/// The state directory removed under a running daemon (`rm -rf ~/.local/state/gob`): its
/// database and logs are gone, and every write of the daemon goes to files no later
/// daemon reads. A start could not even open its logs; an in-place restart would read an
/// empty database back and forget every running job, leaving its processes to no one.
///
/// The daemon's guard notices the removal (inotify on `<state>`), and a start that finds
/// the database or the logs directory gone asks too (`onStateLost`): the daemon makes the
/// state directory again and restarts in place, writing the job table into a new
/// database just before it re-executes (`storeSnapshot`), so the new image takes every
/// running job back. The start itself is refused as by a daemon shutting down, which the
/// client answers by sending it again, to the new image. What was deleted stays deleted:
/// the runs' history beyond each job's latest run, and the logs.
extension JobSupervisor {
    /// What a start does when the state is not in place: nil when the daemon is making
    /// the state directory again (the start is to be sent again), or why it cannot.
    public typealias StateLossHandler = @Sendable () -> String?

    /// Sets what to call when a start finds the state database or logs directory gone.
    public func onStateLost(_ handler: @escaping StateLossHandler) {
        stateLossHandler.withLock { $0 = handler }
    }

    /// Whether the store is where a later daemon (or this one after an in-place restart)
    /// will read it; true without a store.
    public var storeIsInPlace: Bool { store?.isInPlace ?? true }

    /// Whether the database and the logs directory are both where they were opened.
    public var stateIsInPlace: Bool { storeIsInPlace && logs.areInPlace }

    /// Refuses a start while the state database or the logs directory is gone (a `stat`
    /// of each path), after asking the daemon to make them again.
    func checkStateInPlace() throws(SupervisorError) {
        guard !stateIsInPlace else { return }
        guard let handler = stateLossHandler.withLock({ $0 }) else {
            throw SupervisorError("the state directory was removed under the gob daemon; restart it (gob daemon restart)", code: .internal)
        }
        if let failure = handler() {
            throw SupervisorError("the state directory was removed under the gob daemon and cannot be made again: \(failure)", code: .internal)
        }
        throw SupervisorError(
            "the state directory was removed under the gob daemon; it is being made again (the daemon restarts in place)",
            code: .shuttingDown)
    }

    /// Every job and its latest run, as changes that make an empty database hold the
    /// table as it is now.
    public func storeSnapshot() -> StoreChanges {
        state.withLock { state in
            var changes = StoreChanges()
            for job in state.jobs.values {
                changes.replace(job.stored)
                changes.write(job.currentRun)
            }
            return changes
        }
    }
}
