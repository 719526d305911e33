/// What the daemon's start-up and shutdown code (which owns the runtime directory and the
/// daemon's lifecycle) asks of the job table.
extension JobSupervisor {
    /// Refuses every later start if, and only if, no job is left; true when it did. The
    /// check and the refusal are one step, so a job added concurrently either prevents
    /// the shutdown a `nuke` asked for or is refused (and its client retries with the
    /// next daemon) — never added and then stopped by the shutdown.
    func closeIfEmpty() -> Bool {
        state.withLockBroadcasting { state in
            guard state.jobs.isEmpty && state.reservations.isEmpty else { return false }
            state.closed = true
            return true
        }
    }

    /// Makes every job's `<rt>` links again after the runtime directory was recreated (or
    /// its filesystem mounted anew), so `stdout_path` and `stderr_path` keep working.
    func runtimeDirectoryRecreated() {
        relinkAll()
    }
}
