/// Whether a job failed, as gob's outputs mark it (`list`, the TUI).
extension JobSnapshot {
    /// How the last process failed — `exit 7`, or the signal that killed it (`SIGKILL`)
    /// unless gob sent it to stop the job — or nil: the job runs, exited 0, or was
    /// stopped by gob.
    public var failure: String? {
        guard status == .stopped, !stoppedByGob else { return nil }
        if let exitCode { return exitCode == 0 ? nil : "exit \(exitCode)" }
        return signal
    }
}
