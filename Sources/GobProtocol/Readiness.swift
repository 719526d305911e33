/// Where a job's current run stands with its readiness rule: the job object's
/// `readiness`, null for a job without a rule.
public enum Readiness: String, Sendable, Equatable, CaseIterable {
    /// The daemon watches the run; it is not ready yet.
    case waiting
    /// The rule held (`ready_at` says when).
    case ready
    /// The rule's timeout passed first; the run goes on, unwatched.
    case timedOut = "timed_out"
    /// The run ended before the rule held.
    case endedBeforeReady = "ended_before_ready"
}
