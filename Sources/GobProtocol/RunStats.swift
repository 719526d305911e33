/// How many runs a job has on record and how they went: the job object's `stats`.
public struct RunStats: Sendable, Equatable {
    /// Runs on record, the current one included.
    public var runs: Int64
    /// Runs that exited 0.
    public var successes: Int64
    /// Runs that exited non-zero or were killed by a signal gob did not send.
    public var failures: Int64

    public init(runs: Int64 = 0, successes: Int64 = 0, failures: Int64 = 0) {
        self.runs = runs
        self.successes = successes
        self.failures = failures
    }

    /// The member keys, in wire order.
    static let keys: [StaticString] = ["runs", "successes", "failures"]

    /// The values in the order of `keys`.
    var values: [Int64] { [runs, successes, failures] }

    init(values: [Int64]) {
        self.init(
            runs: values.count > 0 ? values[0] : 0, successes: values.count > 1 ? values[1] : 0,
            failures: values.count > 2 ? values[2] : 0)
    }

    /// `11 of 12 runs succeeded`: the runs that ended in a success or a failure.
    public var successLine: String {
        let ended = successes + failures
        return "\(successes) of \(ended) run\(ended == 1 ? "" : "s") succeeded"
    }
}
