/// How long a job's run usually takes, from its latest successful runs: the job object's
/// `estimate`, present once the job has 3 or more successful runs.
public struct RunEstimate: Sendable, Equatable {
    /// The median duration, in milliseconds.
    public var typicalMilliseconds: Int64
    /// The 90th percentile, in milliseconds.
    public var upperMilliseconds: Int64

    public init(typicalMilliseconds: Int64, upperMilliseconds: Int64) {
        self.typicalMilliseconds = typicalMilliseconds
        self.upperMilliseconds = upperMilliseconds
    }

    /// Successful runs needed before durations are estimated.
    public static let minimumSuccesses = 3

    /// The member keys, in wire order.
    static let keys: [StaticString] = ["typical_ms", "upper_ms"]

    var values: [Int64] { [typicalMilliseconds, upperMilliseconds] }

    /// An estimate from values in the order of `keys`; nil unless both are there.
    init?(values: [Int64?]) {
        guard values.count == 2, let typical = values[0], let upper = values[1] else { return nil }
        self.init(typicalMilliseconds: typical, upperMilliseconds: upper)
    }

    /// The typical and upper durations of the latest runs: median and 90th percentile
    /// of `durations` (milliseconds, any order); nil for fewer than `minimum` of them.
    /// The median of an even count is the mean of the two middle values; the percentile
    /// is the nearest rank (the smallest value at or above 90% of the sorted values).
    public init?(durations: [Int64], minimum: Int = minimumSuccesses) {
        guard durations.count >= max(minimum, 1) else { return nil }
        let sorted = durations.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        let rank = (sorted.count * 90 + 99) / 100
        self.init(typicalMilliseconds: median, upperMilliseconds: sorted[max(rank, 1) - 1])
    }
}
