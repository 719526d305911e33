@testable import GobDaemon
import Testing

/// The start-up work's pace: a yield of the CPU after every 50 µs of work, never sooner.
@Suite("Start-up work's pace")
struct StartUpPaceTests {
    /// A clock the test moves by hand, and a count of yields.
    final class Probe {
        var now: Int64 = 1_000_000
        var yields = 0
    }

    @Test func yieldsOnceAfterEachSliceOfWork() {
        let probe = Probe()
        var pace = StartUpPace(clock: { probe.now }, yield: { probe.yields += 1 })
        for _ in 0..<4 {
            probe.now += 10_000
            pace.step()
        }
        #expect(probe.yields == 0, "40 µs of work: no yield yet")
        probe.now += 10_000
        pace.step()
        #expect(probe.yields == 1, "50 µs: one")
        probe.now += 49_000
        pace.step()
        #expect(probe.yields == 1, "49 µs since the yield: none")
        probe.now += 1_000
        pace.step()
        #expect(probe.yields == 2)
        // A step that took long yields once, not once per slice it spanned.
        probe.now += 500_000
        pace.step()
        #expect(probe.yields == 3)
    }
}
