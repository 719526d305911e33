/// A process of a job's tree still there when a stop gave up: what the stop's error names.
public struct SurvivingProcess: Sendable, Equatable {
    public var pid: Int32
    public var job: String
    /// Why it may not have gone: `uid 0, not permitted to signal it`, `in uninterruptible
    /// sleep`; nil when nothing is known.
    public var reason: String?

    public init(pid: Int32, job: String, reason: String?) {
        self.pid = pid
        self.job = job
        self.reason = reason
    }

    /// `4242`, or `4242 (uid 0, not permitted to signal it)`.
    public var description: String { reason.map { "\(pid) (\($0))" } ?? "\(pid)" }
}
