import Foundation

/// A set of measurements in one unit (milliseconds, or a ratio) and their summary.
struct Samples {
    let values: [Double]
    private let sorted: [Double]

    /// Samples in the order they were taken.
    init(_ values: [Double]) {
        self.values = values
        sorted = values.sorted()
    }

    var count: Int { values.count }
    var min: Double { sorted.first ?? .nan }
    var max: Double { sorted.last ?? .nan }

    /// The middle value (the mean of the two middle ones for an even count).
    var median: Double {
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The nearest-rank percentile: the smallest value with at least `p` % of the values at
    /// or below it (p99 of 30 values is the largest; of 100 values, the 99th).
    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }

    /// `median (min–max)` in milliseconds, e.g. `4.12 ms (3.90–5.01)`.
    var millisecondsSummary: String {
        "\(Samples.format(median)) ms (\(Samples.format(min))–\(Samples.format(max)))"
    }

    /// `median× (min–max)`, e.g. `1.43× (1.10–1.92)`.
    var ratioSummary: String {
        "\(Samples.format(median))× (\(Samples.format(min))–\(Samples.format(max)))"
    }

    /// Two decimals below 100, none above.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return String(format: value < 100 ? "%.2f" : "%.0f", value)
    }
}
