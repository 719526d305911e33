import Glibc
import GobProtocol
import GobSystem

/// Tells when a run that a command waits on looks stuck: it has lasted longer than its
/// limit (`--stuck-after`, else twice the upper duration of the job's successful runs)
/// and has printed nothing for `silenceNanoseconds`, so an agent does not wait for ever
/// on a hung job.
///
/// Silence is learnt from the logs' size and modification time, read only at the instant
/// the verdict could change (`nextCheck`): a waiting command sleeps in `poll` until then
/// instead of ticking. Times are kept on the monotonic clock, so a change of the wall
/// clock cannot make a run look older or quieter than it is; the wall clock is read
/// only to place the job's start and a log's last write against it, and both are
/// clamped by what the monotonic clock saw.
public struct StuckWatch {
    /// How long a run must have printed nothing before it can look stuck: 60 s. Debug
    /// builds take `GOB_DEBUG_STUCK_SILENCE_MS` instead, so tests need not wait a minute;
    /// release builds ignore it.
    public static let silenceNanoseconds: Int64 = {
        #if DEBUG
        if let text = getenv("GOB_DEBUG_STUCK_SILENCE_MS").map({ String(cString: $0) }),
           let milliseconds = Int64(text), milliseconds >= 0 {
            return milliseconds * 1_000_000
        }
        #endif
        return 60_000_000_000
    }()

    /// One watched run.
    private struct Watched {
        let job: JobSnapshot
        /// The limit its run may last, in nanoseconds.
        let limit: Int64
        /// When its run started, on the monotonic clock.
        let start: Int64
        /// When it last printed, on the monotonic clock (its start when it never did).
        var lastOutput: Int64
        /// When the logs were last looked at, on the monotonic clock.
        var lastLook: Int64
        /// The logs' size and modification time at that look.
        var stamps: [LogStamp?]

        /// The first instant it could look stuck.
        var due: Int64 { max(start + limit, lastOutput + StuckWatch.silenceNanoseconds) }
    }

    /// A log's size and modification time (nanoseconds since the epoch).
    struct LogStamp: Equatable {
        let size: Int64
        let modified: Int64
    }

    /// The longest limit kept: about 73 years, which no run outlives; in nanoseconds it
    /// leaves room to add instants.
    private static let longestLimitMilliseconds = Int64.max / 4_000_000

    private let stuckAfterMilliseconds: Int64?
    /// Per awaited job in the order given; nil for those never watched (ended, no limit).
    private var watched: [Watched?]

    /// - Parameters:
    ///   - jobs: the awaited jobs, in the order given; only running ones are watched.
    ///   - stuckAfterMilliseconds: `--stuck-after`; nil takes twice the upper duration of
    ///     each job's successful runs, and a job without such an estimate is never stuck.
    ///   - justStarted: the jobs' runs were started by the request just answered (a
    ///     follow), so they began now; otherwise their `started_at` says when, to the
    ///     second.
    public init(jobs: [JobSnapshot], stuckAfterMilliseconds: Int64?, justStarted: Bool = false) {
        self.stuckAfterMilliseconds = stuckAfterMilliseconds
        let now = MonotonicClock.now()
        let wallNow = Timestamp.nowNanoseconds()
        watched = jobs.map { job in
            guard job.status == .running else { return nil }
            guard let given = stuckAfterMilliseconds ?? job.estimate.map({ min($0.upperMilliseconds, Int64.max / 2) * 2 })
            else { return nil }
            // Clamped so that no sum of instants can overflow, whatever the daemon sent.
            let limitMilliseconds = min(max(given, 0), Self.longestLimitMilliseconds)
            // started_at has whole seconds: the age is known to the second.
            let startedAt = job.startedAt.flatMap(Timestamp.secondsSinceEpoch(parsing:)).map { $0 * 1_000_000_000 }
            let age = justStarted ? 0 : startedAt.map { min(max(0, wallNow - $0), Int64.max / 4) } ?? 0
            let start = now - age
            let stamps = [Self.stamp(job.stdoutPath), Self.stamp(job.stderrPath)]
            let lastOutput = Self.lastOutput(stamps, wallNow: wallNow, now: now, notBefore: start)
            return Watched(
                job: job, limit: limitMilliseconds * 1_000_000, start: start, lastOutput: lastOutput, lastLook: now,
                stamps: stamps)
        }
    }

    /// The monotonic instant at which a verdict could next change for a job still
    /// running (`ended[i]` false); nil when none can ever look stuck.
    public func nextCheck(ended: [Bool]) -> Int64? {
        var next: Int64?
        for (index, entry) in watched.enumerated() where !(index < ended.count && ended[index]) {
            guard let entry else { continue }
            next = min(next ?? entry.due, entry.due)
        }
        return next
    }

    /// The first job (in the order given) still running that looks stuck now, after a
    /// look at the logs of those whose time has come; nil when none does.
    public mutating func verdict(ended: [Bool]) -> StuckVerdict? {
        let now = MonotonicClock.now()
        var found: StuckVerdict?
        for index in watched.indices where !(index < ended.count && ended[index]) {
            guard var entry = watched[index], now >= entry.due else { continue }
            let stamps = [Self.stamp(entry.job.stdoutPath), Self.stamp(entry.job.stderrPath)]
            if stamps != entry.stamps {
                // It printed since the last look, so not before that look.
                let changed = zip(stamps, entry.stamps).filter { $0 != $1 }.map(\.0)
                entry.lastOutput = max(
                    entry.lastOutput,
                    Self.lastOutput(changed, wallNow: Timestamp.nowNanoseconds(), now: now, notBefore: entry.lastLook))
                entry.stamps = stamps
            }
            entry.lastLook = now
            watched[index] = entry
            if found == nil, now >= entry.due {
                found = StuckVerdict(
                    job: entry.job, runningMilliseconds: (now - entry.start) / 1_000_000,
                    silentMilliseconds: (now - entry.lastOutput) / 1_000_000,
                    stuckAfterMilliseconds: stuckAfterMilliseconds, estimate: entry.job.estimate)
            }
        }
        return found
    }

    /// The monotonic instant of the latest write among `stamps`, from its modification
    /// time, kept between `notBefore` and now (a wall clock that moved cannot push it
    /// out of what was seen); `notBefore` when no log exists.
    static func lastOutput(_ stamps: [LogStamp?], wallNow: Int64, now: Int64, notBefore: Int64) -> Int64 {
        guard let modified = stamps.compactMap({ $0?.modified }).max() else { return notBefore }
        let ago = max(0, wallNow - modified)
        return max(notBefore, now - min(ago, now - notBefore))
    }

    /// `path`'s size and modification time; nil when it cannot be read.
    private static func stamp(_ path: String) -> LogStamp? {
        var status = stat()
        guard path.withCString({ stat($0, &status) }) == 0 else { return nil }
        let modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        return LogStamp(size: Int64(status.st_size), modified: modified)
    }
}
