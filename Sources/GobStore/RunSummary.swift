import GobProtocol

/// What a job's history says about its runs, kept with the job so that `list`, estimates
/// and statistics never read the whole history: counts, and the durations of the latest
/// successful and failed runs.
public struct RunSummary: Sendable, Equatable {
    /// Runs on record, running ones included.
    public var runs: Int64
    public var successes: Int64
    public var failures: Int64
    /// Milliseconds of the latest successful runs, oldest first, at most `kept`.
    public var successDurations: [Int64]
    /// The same for failed runs.
    public var failureDurations: [Int64]

    /// Durations kept of each kind: what typical and upper durations are computed from.
    public static let kept = 50

    public init(
        runs: Int64 = 0, successes: Int64 = 0, failures: Int64 = 0, successDurations: [Int64] = [],
        failureDurations: [Int64] = []
    ) {
        self.runs = runs
        self.successes = successes
        self.failures = failures
        self.successDurations = successDurations
        self.failureDurations = failureDurations
    }

    /// A run began.
    public mutating func runStarted() { runs += 1 }

    /// A run ended with `outcome` after `milliseconds`.
    public mutating func runEnded(_ outcome: RunOutcome, milliseconds: Int64?) {
        switch outcome {
        case .success:
            successes += 1
            if let milliseconds { Self.append(milliseconds, to: &successDurations) }
        case .failure:
            failures += 1
            if let milliseconds { Self.append(milliseconds, to: &failureDurations) }
        case .stopped, .lost, .unknown:
            break
        }
    }

    private static func append(_ value: Int64, to list: inout [Int64]) {
        list.append(value)
        if list.count > kept { list.removeFirst(list.count - kept) }
    }

    /// The job object's `stats`.
    public var stats: RunStats { RunStats(runs: runs, successes: successes, failures: failures) }

    /// The job object's `estimate`: from the latest successful runs, once there are 3.
    public var estimate: RunEstimate? { RunEstimate(durations: successDurations) }
}
