import GobSystem

extension MonotonicClock {
    /// `nanoseconds` as milliseconds, the unit of the report.
    static func milliseconds(_ nanoseconds: Int64) -> Double {
        Double(nanoseconds) / 1e6
    }
}
