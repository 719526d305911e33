import ArgumentParser
import GobClient
import GobProtocol

/// What a wait prints when the run it waits on looks stuck (`StuckWatch`), and the exit
/// status it leaves with: one line saying why, two commands to look and to act, status
/// 122. The job keeps running: whether to stop it is the caller's decision.
enum StuckReport {
    /// The exit status of a wait that gave up on a run that looks stuck; no other outcome
    /// of gob's uses it.
    static let exitStatus: Int32 = 122

    /// `--stuck-after DURATION` of `add`, `start` and `restart`, in milliseconds: only
    /// with `--follow`, the one wait of those commands that lasts until the run ends.
    static func limit(_ text: String?, follow: Bool) throws(CommandFailure) -> Int64? {
        let limit = try FlagValue.milliseconds(fromDuration: text, flag: "--stuck-after")
        if limit != nil, !follow { throw .usage("--stuck-after needs --follow") }
        return limit
    }

    /// Lines of output the first hint shows.
    static let hintLines = 20

    /// `Job k3v looks stuck: running 4m12s (usually ~1m30s, up to 2m00s), no output for
    /// 1m05s`; the part in brackets only when the job's runs give an estimate.
    static func line(_ verdict: StuckVerdict) -> String {
        var text = "Job \(verdict.job.id) looks stuck: running \(DurationText.format(milliseconds: verdict.runningMilliseconds))"
        if let estimate = verdict.estimate {
            text += " (usually ~\(DurationText.format(milliseconds: estimate.typicalMilliseconds)), "
                + "up to \(DurationText.format(milliseconds: estimate.upperMilliseconds)))"
        }
        return text + ", no output for \(DurationText.format(milliseconds: verdict.silentMilliseconds))"
    }

    /// The line and the two hints, each hint on its own line indented by two spaces.
    static func text(_ verdict: StuckVerdict) -> String {
        let id = verdict.job.id
        return line(verdict) + "\n  gob stdout --tail \(hintLines) \(id)\n  gob stop \(id)\n"
    }

    /// The `stuck` member of a `--json` output: the job's ID, how long its run has lasted
    /// and been silent, the limit given with `--stuck-after` (null when the estimate set
    /// it) and the estimate (null without one).
    static func json(_ verdict: StuckVerdict) -> JSON {
        let estimate: JSON = verdict.estimate.map {
            .object([("typical_ms", .int($0.typicalMilliseconds)), ("upper_ms", .int($0.upperMilliseconds))])
        } ?? .null
        return .object([
            ("id", .string(verdict.job.id)),
            ("running_ms", .int(verdict.runningMilliseconds)),
            ("silent_ms", .int(verdict.silentMilliseconds)),
            ("stuck_after_ms", verdict.stuckAfterMilliseconds.map(JSON.int) ?? .null),
            ("estimate", estimate),
        ])
    }

    /// A follow's `--json` output (`run --json`, `-f --json`): the error object scripts
    /// already check (code `stuck`, the line as message), the `stuck` member, and the job
    /// as it was when the follow began.
    static func followJSON(_ verdict: StuckVerdict) -> JSON {
        .object([
            ("error", .object([("code", .string(ErrorCode.stuck.rawValue)), ("message", .string(line(verdict)))])),
            ("stuck", json(verdict)),
            ("job", verdict.job.json),
        ])
    }

    /// Prints the report of a follow (the line and hints; with `json`, the object) and
    /// leaves with status 122.
    static func finishFollow(_ verdict: StuckVerdict, json: Bool, blankLine: Bool = false) throws -> Never {
        if json {
            Console.json(followJSON(verdict))
        } else {
            Console.out((blankLine ? "\n" : "") + text(verdict))
        }
        throw ExitCode(exitStatus)
    }
}
