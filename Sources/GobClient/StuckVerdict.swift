import GobProtocol

/// Why a run looks stuck: how long it has run and been silent, against which limit.
public struct StuckVerdict: Sendable, Equatable {
    /// The job as the wait saw it when it began.
    public let job: JobSnapshot
    /// How long its run has lasted.
    public let runningMilliseconds: Int64
    /// How long since it last printed (or since it started, when it never did).
    public let silentMilliseconds: Int64
    /// `--stuck-after`, when given; otherwise the limit came from `estimate`.
    public let stuckAfterMilliseconds: Int64?
    /// The job's usual durations, when its runs give them.
    public let estimate: RunEstimate?

    public init(
        job: JobSnapshot, runningMilliseconds: Int64, silentMilliseconds: Int64, stuckAfterMilliseconds: Int64?,
        estimate: RunEstimate?
    ) {
        self.job = job
        self.runningMilliseconds = runningMilliseconds
        self.silentMilliseconds = silentMilliseconds
        self.stuckAfterMilliseconds = stuckAfterMilliseconds
        self.estimate = estimate
    }
}
