/// When a job counts as ready (`--ready-log`, `--ready-port`, `--ready-timeout`): the
/// daemon watches each run of a job that has a rule and announces the moment it holds
/// (`job_ready`), or that it did not hold in time (`job_ready_timed_out`). The rule is
/// stored with the job, so a `start` or `restart` waits for the same thing again. With
/// both a pattern and a port, the run is ready once both have held.
///
/// On the wire, optional members of the `add`, `run`, `start` and `restart` payloads:
/// `"ready_log": "<ERE>"`, `"ready_port": 5173` (0: any TCP port) and
/// `"ready_timeout_ms": 60000`; and the job object's `ready_log`, `ready_port` and
/// `ready_timeout_ms`.
public struct ReadinessRule: Sendable, Equatable {
    /// A POSIX extended regular expression a line of the job's stdout or stderr matches
    /// once the job is ready; nil: no line is waited for.
    public var log: String?
    /// A TCP port a process of the job's tree listens on once the job is ready; 0 stands
    /// for any port (no process can listen on port 0); nil: no port is waited for.
    public var port: Int?
    /// How long after the run's start the daemon stops waiting.
    public var timeoutMilliseconds: Int64

    /// The timeout when none is given: a dev server that is not up after a minute is
    /// rarely going to be.
    public static let defaultTimeoutMilliseconds: Int64 = 60_000
    /// The longest timeout taken: 30 days, far beyond any wait, and far from overflowing
    /// a clock in nanoseconds.
    public static let maximumTimeoutMilliseconds: Int64 = 30 * 24 * 3_600_000
    /// The `port` that stands for any port.
    public static let anyPort = 0

    public init(log: String? = nil, port: Int? = nil, timeoutMilliseconds: Int64 = defaultTimeoutMilliseconds) {
        self.log = log
        self.port = port
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// Why a rule cannot be used, in words for the user.
    public static func problem(log: String?, port: Int? = nil, timeoutMilliseconds: Int64) -> String? {
        if log == nil && port == nil { return "a readiness rule needs ready_log or ready_port" }
        if let log {
            do throws(ExtendedRegex.PatternError) {
                _ = try ExtendedRegex(log)
            } catch {
                return "invalid ready_log \"\(log)\": \(error.description)"
            }
        }
        if let port, !(0...65535).contains(port) {
            return "invalid ready_port \(port): must be a TCP port from 1 to 65535, or 0 for any"
        }
        guard timeoutMilliseconds > 0 else { return "invalid ready_timeout_ms: must be more than 0" }
        guard timeoutMilliseconds <= maximumTimeoutMilliseconds else {
            return "invalid ready_timeout_ms: at most \(maximumTimeoutMilliseconds) (30 days)"
        }
        return nil
    }

    /// The payload members of the rule.
    public var members: [(String, JSON)] {
        var members: [(String, JSON)] = []
        if let log { members.append(("ready_log", .string(log))) }
        if let port { members.append(("ready_port", .int(Int64(port)))) }
        members.append(("ready_timeout_ms", .int(timeoutMilliseconds)))
        return members
    }

    /// The first TCP listener among `ports` that the rule's port asks for (any TCP one
    /// for port 0), in the order outputs use; nil when none does or the rule has no port.
    public func listener(among ports: [ListeningPort]) -> ListeningPort? {
        guard let port else { return nil }
        return ports.sorted(by: ListeningPort.ordered).first {
            $0.transport == .tcp && (port == Self.anyPort || $0.port == port)
        }
    }
}
