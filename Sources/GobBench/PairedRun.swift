import GobSystem

/// Two programs timed side by side: A and B run alternately, pair after pair, so that
/// machine noise (other load, frequency changes) hits both alike; within a pair the order
/// alternates too, so neither always runs right after the other.
struct PairedRun {
    /// Milliseconds of each A run, each B run, and A/B pair by pair.
    struct Result {
        let a: Samples
        let b: Samples
        /// The ratio of each pair; its median is the comparison's result.
        let ratios: Samples
    }

    /// Measured pairs.
    let runs: Int
    /// Unmeasured pairs first (page cache, daemon warm-up, lazy allocations).
    let warmups: Int

    /// Runs the pairs. Each closure performs one run and returns its measured nanoseconds
    /// (it may do untimed set-up and tear-down around the measured part).
    func run(a: () throws(BenchError) -> Int64, b: () throws(BenchError) -> Int64) throws(BenchError) -> Result {
        var timesA: [Double] = []
        var timesB: [Double] = []
        for index in 0..<(warmups + runs) {
            let first: Int64
            let second: Int64
            if index % 2 == 0 {
                first = try a()
                second = try b()
            } else {
                second = try b()
                first = try a()
            }
            guard index >= warmups else { continue }
            timesA.append(MonotonicClock.milliseconds(first))
            timesB.append(MonotonicClock.milliseconds(second))
        }
        let ratios = zip(timesA, timesB).map { $0 / $1 }
        return Result(a: Samples(timesA), b: Samples(timesB), ratios: Samples(ratios))
    }
}
