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

    @Test func aMovedWallClockCannotPlaceOutputOutsideWhatWasSeen() {
        let now: Int64 = 1_000_000_000_000
        let lastLook = now - 2_000_000_000
        let wallNow: Int64 = 1_800_000_000_000_000_000
        // The wall clock jumped an hour ahead since the write: the write still happened
        // after the last look, which saw no change.
        let old = StuckWatch.LogStamp(size: 10, modified: wallNow - 3_600_000_000_000)
        #expect(StuckWatch.lastOutput([old, nil], wallNow: wallNow, now: now, notBefore: lastLook) == lastLook)
        // The wall clock went back: a write "in the future" happened no later than now.
        let future = StuckWatch.LogStamp(size: 10, modified: wallNow + 60_000_000_000)
        #expect(StuckWatch.lastOutput([nil, future], wallNow: wallNow, now: now, notBefore: lastLook) == now)
        // Without any log, the run has been silent since `notBefore`.
        #expect(StuckWatch.lastOutput([nil, nil], wallNow: wallNow, now: now, notBefore: lastLook) == lastLook)
        // The latest of the two logs counts.
        let recent = StuckWatch.LogStamp(size: 1, modified: wallNow - 500_000_000)
        #expect(StuckWatch.lastOutput([old, recent], wallNow: wallNow, now: now, notBefore: lastLook) == now - 500_000_000)
    }
}
