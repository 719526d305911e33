/// When a job counts as ready (`--ready-log`, `--ready-timeout`): the daemon watches each
/// run of a job that has a rule and announces the moment it holds (`job_ready`), or that
/// it did not hold in time (`job_ready_timed_out`). The rule is stored with the job, so a
/// `start` or `restart` waits for the same thing again.
///
/// On the wire, optional members of the `add`, `run`, `start` and `restart` payloads:
/// `"ready_log": "<ERE>"` and `"ready_timeout_ms": 60000`; and the job object's
/// `ready_log` and `ready_timeout_ms`.
public struct ReadinessRule: Sendable, Equatable {
    /// A POSIX extended regular expression a line of the job's stdout or stderr matches
    /// once the job is ready.
    public var log: String
    /// How long after the run's start the daemon stops waiting.
    public var timeoutMilliseconds: Int64

    /// The timeout when none is given: a dev server that is not up after a minute is
    /// rarely going to be.
    public static let defaultTimeoutMilliseconds: Int64 = 60_000
    /// The longest timeout taken: 30 days, far beyond any wait, and far from overflowing
    /// a clock in nanoseconds.
    public static let maximumTimeoutMilliseconds: Int64 = 30 * 24 * 3_600_000

    public init(log: String, timeoutMilliseconds: Int64 = defaultTimeoutMilliseconds) {
        self.log = log
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// Why a rule cannot be used, in words for the user.
    public static func problem(log: String, timeoutMilliseconds: Int64) -> String? {
        do throws(ExtendedRegex.PatternError) {
            _ = try ExtendedRegex(log)
        } catch {
            return "invalid ready_log \"\(log)\": \(error.description)"
        }
        guard timeoutMilliseconds > 0 else { return "invalid ready_timeout_ms: must be more than 0" }
        guard timeoutMilliseconds <= maximumTimeoutMilliseconds else {
            return "invalid ready_timeout_ms: at most \(maximumTimeoutMilliseconds) (30 days)"
        }
        return nil
    }

    /// The payload members of the rule.
    public var members: [(String, JSON)] {
        [("ready_log", .string(log)), ("ready_timeout_ms", .int(timeoutMilliseconds))]
    }
}
