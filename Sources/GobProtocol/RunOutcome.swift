/// How a run of a job ended, as history and statistics count it. A run still going has
/// none.
public enum RunOutcome: String, Sendable, Equatable, CaseIterable {
    /// Exit code 0.
    case success
    /// A non-zero exit code, or a signal gob did not send.
    case failure
    /// gob stopped it (stop, restart, nuke, shutdown): neither a success nor a failure.
    case stopped
    /// The machine restarted while it ran: how it ended is not known.
    case lost
    /// It ended while no daemon was its parent to learn its exit status: the daemon
    /// ended uncleanly (killed, crashed) while it ran, and it ended before the next
    /// daemon came, or after that daemon adopted it.
    case unknown

    /// The outcome of a process end: gob's stop, else its exit status.
    public static func of(exitCode: Int32?, stoppedByGob: Bool) -> RunOutcome {
        if stoppedByGob { return .stopped }
        return exitCode == 0 ? .success : .failure
    }

    /// Whether the run counts toward the success rate (a success or a failure).
    public var counts: Bool { self == .success || self == .failure }
}
