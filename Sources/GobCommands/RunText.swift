import GobProtocol

/// How runs, estimates and progress read as text: `gob runs`, the estimate line of the
/// commands that start a job, and `list`'s progress line.
enum RunText {
    /// `Expected ~1m30s (up to 2m10s); 11 of 12 runs succeeded`, for a job whose runs
    /// give an estimate (3 or more succeeded); nil otherwise.
    static func estimateLine(_ job: JobSnapshot) -> String? {
        guard let estimate = job.estimate else { return nil }
        return "Expected ~\(DurationText.format(milliseconds: estimate.typicalMilliseconds)) "
            + "(up to \(DurationText.format(milliseconds: estimate.upperMilliseconds))); \(job.stats.successLine)"
    }

    /// `40% of ~1m30s`: how far a running job with an estimate is, from when its run
    /// started (`nowSeconds`: the wall clock); nil when it is not running or has none.
    static func progress(_ job: JobSnapshot, nowSeconds: Int64) -> String? {
        guard job.status == .running, let estimate = job.estimate, estimate.typicalMilliseconds > 0,
              let started = job.startedAt.flatMap(Timestamp.secondsSinceEpoch(parsing:))
        else { return nil }
        let elapsed = max(0, nowSeconds - started) * 1000
        let percent = elapsed * 100 / estimate.typicalMilliseconds
        return "\(percent)% of ~\(DurationText.format(milliseconds: estimate.typicalMilliseconds))"
    }

    /// `12s ago`, `5m ago`, `3h ago`, `2d ago`: how long ago `seconds` was.
    static func age(since seconds: Int64, nowSeconds: Int64) -> String {
        let elapsed = max(0, nowSeconds - seconds)
        if elapsed < 60 { return "\(elapsed)s ago" }
        if elapsed < 3600 { return "\(elapsed / 60)m ago" }
        if elapsed < 86_400 { return "\(elapsed / 3600)h ago" }
        return "\(elapsed / 86_400)d ago"
    }

    /// How a run ended (`RunOutcome.mark`); empty while it runs.
    static func outcome(_ run: RunSnapshot, unicode: Bool) -> String {
        RunOutcome.mark(run.outcome, exitCode: run.exitCode, signal: run.signal, unicode: unicode)
    }

    /// One line per run, newest first, in aligned columns: ID, start, duration (or
    /// `running`), outcome, and `(logs pruned)` for runs whose logs are gone.
    static func table(_ runs: [RunSnapshot], nowSeconds: Int64, unicode: Bool) -> String {
        let rows: [[String]] = runs.map { run in
            let started = Timestamp.secondsSinceEpoch(parsing: run.startedAt).map { age(since: $0, nowSeconds: nowSeconds) } ?? "?"
            let duration = run.isRunning ? "running" : run.runTimeMilliseconds.map { DurationText.format(milliseconds: $0) } ?? "-"
            var last = outcome(run, unicode: unicode)
            if run.logsPruned { last += last.isEmpty ? "(logs pruned)" : "  (logs pruned)" }
            return [run.id, started, duration, last]
        }
        var widths = [0, 0, 0]
        for row in rows {
            for column in 0..<3 { widths[column] = max(widths[column], row[column].count) }
        }
        var text = ""
        for row in rows {
            var line = ""
            for column in 0..<3 { line += row[column] + String(repeating: " ", count: widths[column] - row[column].count + 2) }
            line += row[3]
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        return text
    }
}
