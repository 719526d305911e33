import Foundation
import GobProtocol
import GobTestSupport
import Testing

/// Stuck detection (issue 18): a wait on a run that has lasted past its limit
/// (`--stuck-after`, else twice the upper duration of its successful runs) and printed
/// nothing for a while gives up with one line, two hints and exit status 122; the job
/// keeps running. The silence is shortened with `StuckSilence`.
@Suite("Stuck runs", .endToEnd, .timeLimit(.minutes(3)))
struct StuckTests {
    /// The line, then the two hints, for job `id`; `usually` says whether the estimate's
    /// part is there.
    static func report(_ id: String, usually: Bool) -> Regex<Substring> {
        let estimate = usually ? " \\(usually ~[0-9.hms]+, up to [0-9.hms]+\\)" : ""
        let pattern = "Job \(id) looks stuck: running [0-9.hms]+\(estimate), no output for [0-9.hms]+\n"
            + "  gob stdout --tail 20 \(id)\n  gob stop \(id)\n"
        return (try? Regex(pattern)) ?? Regex(verbatim: "never")
    }

    /// The job ID of `run`'s header line (`Added job <id> running: …`).
    static func headerID(_ stdout: String) -> String {
        String(stdout.drop { $0 != "j" }.dropFirst("job ".count).prefix { $0 != " " })
    }

    @Test func aSilentRunPastStuckAfterGivesUpAndTheJobKeepsRunning() async throws {
        try await Sandbox.run { sandbox async throws in
            let silence = StuckSilence.overrides(milliseconds: 500)
            let run = try await sandbox.gob("run", "--stuck-after", "1s", "sh", "-c", "echo start; sleep 300", environment: silence)
            #expect(run.status == 122, "\(run)")
            let id = Self.headerID(run.stdout)
            #expect(run.stdout.hasPrefix("Added job \(id) running: "), "\(run)")
            #expect(run.stdout.contains("[\(id)] start\n"), "output streams until then: \(run)")
            #expect(run.stdout.contains("\n\nJob \(id) looks stuck: running "), "after a blank line, like the footer: \(run)")
            #expect(run.stdout.firstMatch(of: Self.report(id, usually: false)) != nil, "no estimate part without history: \(run)")
            #expect(run.stdout.hasSuffix("  gob stop \(id)\n"), "the report ends the output: \(run)")
            #expect(run.stderr.isEmpty, "\(run)")
            #expect(try await sandbox.listedJob(id)?.status == .running, "the job keeps running")

            // Quiet: the report is all there is. JSON: the error object scripts check.
            let quiet = try await sandbox.gob("run", "-q", "--stuck-after", "1s", "sh", "-c", "sleep 301", environment: silence)
            #expect(quiet.status == 122, "\(quiet)")
            let quietID = String(quiet.stdout.dropFirst("Job ".count).prefix { $0 != " " })
            #expect(quiet.stdout.wholeMatch(of: Self.report(quietID, usually: false)) != nil, "\(quiet)")

            let json = try await sandbox.gob("run", "--json", "--stuck-after", "1s", "sleep", "302", environment: silence)
            #expect(json.status == 122, "\(json)")
            let object = try JSON(parsing: json.stdout)
            #expect(object["error"]?["code"]?.stringValue == "stuck", "\(json)")
            let stuck = try #require(object["stuck"], "\(json)")
            let jsonID = try #require(stuck["id"]?.stringValue)
            #expect(stuck["stuck_after_ms"]?.intValue == 1000 && stuck["estimate"] == JSON.null, "\(json)")
            #expect((stuck["running_ms"]?.intValue ?? 0) >= 1000 && (stuck["silent_ms"]?.intValue ?? 0) >= 500, "\(json)")
            #expect(try await sandbox.listedJob(jsonID)?.status == .running)
        }
    }

    @Test func aRunThatKeepsPrintingIsNeverStuck() async throws {
        try await Sandbox.run { sandbox async throws in
            // Past --stuck-after for two seconds, but never silent for as long as allowed.
            let ticking = "for n in $(seq 1 15); do echo tick $n; sleep 0.2; done"
            let run = try await sandbox.gob(
                "run", "--stuck-after", "1s", "sh", "-c", ticking, environment: StuckSilence.overrides(milliseconds: 1500))
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.contains("tick 15\n") && run.stdout.contains("completed: exit code 0"), "\(run)")
            #expect(!run.stdout.contains("looks stuck"), "\(run)")
        }
    }

    @Test func aRunIsStuckFromItsHistoryOnceThreeRunsSucceeded() async throws {
        try await Sandbox.run { sandbox async throws in
            let silence = StuckSilence.overrides(milliseconds: 500)
            // Quick while the file `slow` is absent; hangs once it is there.
            let command = ["sh", "-c", "sleep 0.2; if [ -e slow ]; then echo hanging; sleep 300; fi"]
            for _ in 1...3 {
                let quick = try await sandbox.gob(["run", "-q"] + command, environment: silence)
                #expect(quick.status == 0, "\(quick)")
            }
            #expect(FileManager.default.createFile(atPath: sandbox.workdir + "/slow", contents: Data()))
            let hung = try await sandbox.gob(["run"] + command, environment: silence)
            #expect(hung.status == 122, "\(hung)")
            let id = Self.headerID(hung.stdout)
            #expect(hung.stdout.contains("Expected ~"), "the job has an estimate: \(hung)")
            #expect(hung.stdout.firstMatch(of: Self.report(id, usually: true)) != nil, "\(hung)")
            #expect(try await sandbox.listedJob(id)?.status == .running)
        }
    }

    @Test func withFewerThanThreeSuccessesNothingIsStuck() async throws {
        try await Sandbox.run { sandbox async throws in
            let silence = StuckSilence.overrides(milliseconds: 300)
            let command = ["sh", "-c", "sleep 0.2; if [ -e slow ]; then sleep 3; fi"]
            for _ in 1...2 {
                let quick = try await sandbox.gob(["run", "-q"] + command, environment: silence)
                #expect(quick.status == 0, "\(quick)")
            }
            #expect(FileManager.default.createFile(atPath: sandbox.workdir + "/slow", contents: Data()))
            let added = try await sandbox.gob(["add", "-q"] + command)
            #expect(added.status == 0, "\(added)")
            let id = added.stdout.trimmingCharacters(in: .newlines)
            let awaited = try await sandbox.gob("await", id, environment: silence)
            #expect(awaited.status == 0, "no estimate, no --stuck-after: never stuck: \(awaited)")
            #expect(awaited.stdout.contains("Job \(id) exited with code 0 after "), "\(awaited)")
            #expect(!awaited.stdout.contains("looks stuck"), "\(awaited)")
        }
    }

    @Test func awaitOfTwoJobsEndsWithTheStuckOne() async throws {
        try await Sandbox.run { sandbox async throws in
            let silence = StuckSilence.overrides(milliseconds: 1000)
            let (busy, _) = try await sandbox.addJob("sh", "-c", "while true; do echo tick; sleep 0.2; done")
            let (hung, _) = try await sandbox.addJob("sh", "-c", "echo hello; sleep 300")
            let awaited = try await sandbox.gob("await", "--stuck-after", "1s", busy, hung, environment: silence)
            #expect(awaited.status == 122, "\(awaited)")
            #expect(awaited.stdout.contains("Job \(busy) is still running\n"), "\(awaited)")
            #expect(awaited.stdout.firstMatch(of: Self.report(hung, usually: false)) != nil, "\(awaited)")
            #expect(!awaited.stdout.contains("Job \(busy) looks stuck"), "\(awaited)")

            let json = try await sandbox.gob("await", "--json", "--any", "--stuck-after", "1s", busy, hung, environment: silence)
            #expect(json.status == 122, "--any: a stuck job ends the wait too: \(json)")
            let object = try JSON(parsing: json.stdout)
            #expect(object["outcome"]?.stringValue == "stuck" && object["exit_code"]?.intValue == 122, "\(json)")
            #expect(object["stuck"]?["id"]?.stringValue == hung, "\(json)")
            #expect(try await sandbox.listedJob(busy)?.status == .running)
            #expect(try await sandbox.listedJob(hung)?.status == .running)
        }
    }

    @Test func badStuckAfterValuesAreOneLineErrors() async throws {
        try await Sandbox.run { sandbox async throws in
            for value in ["0", "-5s", "soon", "0s"] {
                let run = try await sandbox.gob("run", "--stuck-after", value, "true")
                #expect(run.status == 1 && run.stderr.hasPrefix("Error: "), "\(value): \(run)")
                #expect(run.stderr.contains("--stuck-after"), "\(value): \(run)")
                let awaited = try await sandbox.gob("await", "--stuck-after", value, "nosuch")
                #expect(awaited.status == 1 && awaited.stderr.contains("--stuck-after"), "\(value): \(awaited)")
            }
            let zero = try await sandbox.gob("run", "--stuck-after", "0", "true")
            #expect(zero.stderr == "Error: invalid value \"0\" for --stuck-after: must be more than 0\n", "\(zero)")
            let withoutFollow = try await sandbox.gob("add", "--stuck-after", "5m", "true")
            #expect(withoutFollow.status == 1 && withoutFollow.stderr.hasPrefix("Error: --stuck-after needs --follow\n"), "\(withoutFollow)")
            let ready = try await sandbox.gob("await", "--ready", "--stuck-after", "5m", "nosuch")
            #expect(ready.status == 1 && ready.stderr.hasPrefix("Error: --stuck-after does not go with --ready\n"), "\(ready)")
            #expect(try await sandbox.listedJobs().isEmpty, "nothing was started")
        }
    }

    @Test func aFollowOfStartGivesUpToo() async throws {
        try await Sandbox.run { sandbox async throws in
            let silence = StuckSilence.overrides(milliseconds: 500)
            let (id, _) = try await sandbox.addJob("sh", "-c", "sleep 0.1")
            _ = try await sandbox.waitUntilStopped(id)
            let restarted = try await sandbox.gob("restart", "-f", "--stuck-after", "1s", id, environment: silence)
            #expect(restarted.status == 0, "the run ended before its limit: \(restarted)")
            let (hung, _) = try await sandbox.addJob("sleep", "303")
            let followed = try await sandbox.gob("restart", "-f", "--stuck-after", "1s", hung, environment: silence)
            #expect(followed.status == 122 && followed.stdout.firstMatch(of: Self.report(hung, usually: false)) != nil, "\(followed)")
            #expect(try await sandbox.listedJob(hung)?.status == .running)
        }
    }
}
