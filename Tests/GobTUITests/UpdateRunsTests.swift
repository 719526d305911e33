import GobProtocol
import Testing
@testable import GobTUI

/// The selected job's runs: asked for when it is selected, `[` and `]` to look at an
/// earlier run's logs and back, each job's last outcome in the list.
@Suite("TUI: runs of the selected job")
struct UpdateRunsTests {
    typealias F = TUIFixture

    static func run(_ job: String, _ number: Int64, outcome: RunOutcome?, exitCode: Int32? = nil, pruned: Bool = false) -> RunSnapshot {
        RunSnapshot(
            id: "\(job)-\(number)", jobID: job, number: number, pid: Int32(100 + number), startedAt: "2026-11-26T14:14:59Z",
            exitCode: exitCode, outcome: outcome, logsPruned: pruned,
            stdoutPath: "/state/logs/\(job)-\(number).stdout.log", stderrPath: "/state/logs/\(job)-\(number).stderr.log")
    }

    static func runsReply(_ runs: [RunSnapshot], job: String, generation: Int) -> Message {
        .replied(.runs(jobID: job, generation: generation), .success(Response.ok([("runs", .array(runs.map(\.json)))])))
    }

    /// A model with one running job `J000` whose runs 3 (current), 2 and 1 are known.
    static func withRuns(prunedFirst: Bool = false) -> Model {
        let model = F.loaded([F.job("J000")])
        let runs = [
            run("J000", 3, outcome: nil), run("J000", 2, outcome: .failure, exitCode: 2),
            run("J000", 1, outcome: .success, exitCode: 0, pruned: prunedFirst),
        ]
        return F.apply(model, runsReply(runs, job: "J000", generation: model.runsGeneration)).model
    }

    @Test func bracketsStepThroughEarlierRunsAndBack() {
        let model = Self.withRuns()
        #expect(model.runs.map(\.number) == [3, 2, 1])
        let (earlier, effects) = F.press(model, .character("["))
        #expect(earlier.shownRun?.id == "J000-2" && earlier.logJobID == "J000-2")
        #expect(effects.contains(.tailLogs(LogSource(
            jobID: "J000-2", stdoutPath: "/state/logs/J000-2.stdout.log", stderrPath: "/state/logs/J000-2.stderr.log"))))
        #expect(earlier.status?.text == "Run J000-2 ✗ 2")
        let oldest = F.press(earlier, .character("[")).model
        #expect(oldest.shownRun?.id == "J000-1")
        #expect(F.press(oldest, .character("[")).model.status?.text == "No earlier run of J000")
        let (back, backEffects) = F.press(oldest, .character("]"), .character("]"))
        #expect(back.shownRun == nil && back.logJobID == "J000")
        #expect(backEffects.contains(.tailLogs(LogSource(
            jobID: "J000", stdoutPath: "/rt/J000.stdout.log", stderrPath: "/rt/J000.stderr.log"))))
        #expect(F.press(back, .character("]")).model.status?.text == "This is the latest run of J000")
    }

    /// `[` pressed before the runs of the selected job have come: it takes effect when
    /// they do (it used to say "No earlier run" and be lost).
    @Test func aBracketBeforeTheRunsArriveStepsBackOnceTheyDo() {
        let model = F.loaded([F.job("J000")])
        #expect(!model.runsLoaded && model.runsJobID == "J000")
        let waiting = F.press(model, .character("[")).model
        #expect(waiting.shownRun == nil && waiting.status?.text == "Reading the runs of J000…")
        let runs = [Self.run("J000", 2, outcome: nil), Self.run("J000", 1, outcome: .success, exitCode: 0)]
        let (arrived, effects) = F.apply(waiting, Self.runsReply(runs, job: "J000", generation: waiting.runsGeneration))
        #expect(arrived.shownRun?.id == "J000-1" && arrived.logJobID == "J000-1")
        #expect(effects.contains(.tailLogs(LogSource(
            jobID: "J000-1", stdoutPath: "/state/logs/J000-1.stdout.log", stderrPath: "/state/logs/J000-1.stderr.log"))))
        #expect(arrived.status?.text == "Run J000-1 ✓ 0")
        // Once they are there, `[` answers at once; with one run only, there is none earlier.
        let single = F.apply(F.press(model, .character("[")).model, Self.runsReply(
            [Self.run("J000", 1, outcome: nil)], job: "J000", generation: model.runsGeneration)).model
        #expect(single.shownRun == nil && single.status?.text == "No earlier run of J000")
        // Without a `[` waiting, the runs' arrival changes nothing that is shown.
        let quiet = F.apply(model, Self.runsReply(runs, job: "J000", generation: model.runsGeneration)).model
        #expect(quiet.shownRun == nil && quiet.runsLoaded)
    }

    @Test func aRunWhoseLogsWerePrunedSaysSo() {
        let model = F.press(Self.withRuns(prunedFirst: true), .character("["), .character("[")).model
        #expect(model.shownRun?.id == "J000-1")
        #expect(model.status?.text == "Run J000-1: its logs were pruned")
        let screen = Renderer.render(model, size: model.size)
        #expect(screen.line(1).contains("2 stdout: J000-1 ✓ 0 (logs pruned)"))
        #expect(screen.line(2).contains("(logs pruned)"))
    }

    /// Another job selected: its own runs are asked for, and its current run shown.
    @Test func selectingAnotherJobForgetsTheRunShown() {
        var model = F.loaded([F.job("J001"), F.job("J000")])
        model = F.apply(model, Self.runsReply(
            [Self.run("J001", 2, outcome: nil), Self.run("J001", 1, outcome: .success, exitCode: 0)],
            job: "J001", generation: model.runsGeneration)).model
        model = F.press(model, .character("[")).model
        #expect(model.shownRun?.id == "J001-1")
        let (other, effects) = F.press(model, .down)
        #expect(other.shownRun == nil && other.runs.isEmpty && other.runsJobID == "J000")
        #expect(effects.contains(.send(.runs(jobID: "J000", limit: Update.runLimit), .runs(jobID: "J000", generation: other.runsGeneration))))
        // A late reply for the job no longer selected changes nothing.
        let late = F.apply(other, Self.runsReply([Self.run("J001", 2, outcome: nil)], job: "J001", generation: model.runsGeneration))
        #expect(late.model.runs.isEmpty)
    }

    /// Each stopped job's row says how its last run ended.
    @Test func theJobListShowsEachJobsLastOutcome() {
        var failed = F.job("J002", status: .stopped, exitCode: 2)
        failed.outcome = .failure
        var lost = F.job("J001", status: .stopped)
        lost.outcome = .lost
        let model = F.loaded([failed, lost, F.job("J000")])
        let screen = Renderer.render(model, size: model.size)
        #expect(F.rows(screen, 2...2)[0].contains("J002 [100] sleep 60  ✗ 2"))
        #expect(F.rows(screen, 3...3)[0].contains("J001 [100] sleep 60  ? lost"))
        #expect(!F.rows(screen, 4...4)[0].contains("  ✓"), "a running job has no outcome yet")
        let ascii = F.loaded([failed], unicode: false)
        #expect(F.rows(Renderer.render(ascii, size: ascii.size), 2...2)[0].contains("J002 [100] sleep 60  ! 2"))
    }
}
