import GobProtocol

/// Starts of existing jobs (`start`; `restart` checks the job it already holds) pass the
/// gobfile check too: a job created before its command was blocked must not run again.
extension JobSupervisor {
    /// Throws `blocked` when job `id`'s command is blocked in its directory. The job is
    /// read under the lock; the gobfile outside it.
    func checkNotBlocked(_ id: String) throws(SupervisorError) {
        guard let (command, workdir) = state.withLock({ state in state.jobs[id].map { ($0.command, $0.workdir) } }) else {
            throw .notFound(id)
        }
        try blockedCommands.check(command: command, workdir: workdir)
    }
}
