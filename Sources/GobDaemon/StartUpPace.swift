import Glibc
import GobSystem

/// Lets the daemon's start-up work (the `<rt>` links of every stored job and the sweep of
/// stray logs, done after the daemon answers) give up its CPU after every `slice` of work.
///
/// The scheduler wakes a client or a request's thread on the CPU it slept on, and on a
/// virtual machine it does not move it to an idle one: one woken behind this work waited
/// for the rest of the work's time slice. With a thousand jobs, the client that had
/// started the daemon heard that it was ready up to 3 ms late (docs/performance.md). A
/// yield every 50 µs lets such a waiter run within that; with nothing waiting, the yield
/// returns at once.
struct StartUpPace {
    static let slice: Int64 = 50_000

    private let clock: () -> Int64
    private let yield: () -> Void
    private var sliceStart: Int64

    init(clock: @escaping () -> Int64 = MonotonicClock.now, yield: @escaping () -> Void = { _ = sched_yield() }) {
        self.clock = clock
        self.yield = yield
        sliceStart = clock()
    }

    /// Called between two steps of the work: yields once a slice has passed since the
    /// last yield (or the start).
    mutating func step() {
        let now = clock()
        guard now - sliceStart >= Self.slice else { return }
        yield()
        sliceStart = clock()
    }
}
