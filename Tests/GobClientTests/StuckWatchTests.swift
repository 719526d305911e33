import Foundation
@testable import GobClient
import GobProtocol
import GobSystem
import Testing

/// When a wait looks at a run's logs to decide whether it looks stuck: never without a
/// limit, never for runs that ended, and not before both the limit and the silence can
/// have passed (the end-to-end `StuckTests` cover the verdicts themselves).
@Suite("Stuck watch")
struct StuckWatchTests {
    static func job(_ id: String, status: JobSnapshot.Status, estimate: RunEstimate? = nil) -> JobSnapshot {
        JobSnapshot(
            id: id, pid: 42, status: status, command: ["x"], workdir: "/w", createdAt: "",
            stdoutPath: "/nonexistent/\(id).stdout.log", stderrPath: "/nonexistent/\(id).stderr.log",
            startedAt: Timestamp.rfc3339(secondsSinceEpoch: Timestamp.nowNanoseconds() / 1_000_000_000), estimate: estimate)
    }

    @Test func withoutALimitNothingIsEverChecked() {
        var watch = StuckWatch(jobs: [Self.job("a", status: .running)], stuckAfterMilliseconds: nil)
        #expect(watch.nextCheck(ended: [false]) == nil)
        #expect(watch.verdict(ended: [false]) == nil)
    }

    @Test func endedRunsAreNotWatched() {
        let stopped = Self.job("a", status: .stopped)
        let running = Self.job("b", status: .running)
        let watch = StuckWatch(jobs: [stopped, running], stuckAfterMilliseconds: 1000)
        #expect(watch.nextCheck(ended: [true, false]) != nil)
        #expect(watch.nextCheck(ended: [true, true]) == nil, "a run seen ending is dropped")
        #expect(StuckWatch(jobs: [stopped], stuckAfterMilliseconds: 1000).nextCheck(ended: [true]) == nil)
    }

    @Test func theFirstCheckWaitsForTheLimitAndTheSilence() throws {
        let before = MonotonicClock.now()
        // Twice the upper duration is 200 ms, far less than the silence.
        let estimated = Self.job("a", status: .running, estimate: RunEstimate(typicalMilliseconds: 50, upperMilliseconds: 100))
        let watch = StuckWatch(jobs: [estimated], stuckAfterMilliseconds: nil, justStarted: true)
        let next = try #require(watch.nextCheck(ended: [false]))
        #expect(next >= before + StuckWatch.silenceNanoseconds, "no output yet: silent since it started")
        #expect(next <= MonotonicClock.now() + StuckWatch.silenceNanoseconds)

        // A limit longer than the silence decides instead.
        let long = StuckWatch(jobs: [estimated], stuckAfterMilliseconds: 3_600_000, justStarted: true)
        let later = try #require(long.nextCheck(ended: [false]))
        #expect(later >= before + 3_600_000_000_000 && later <= MonotonicClock.now() + 3_600_000_000_000)
    }
}
