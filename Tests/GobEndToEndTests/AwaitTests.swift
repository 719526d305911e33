import Glibc
import Foundation
import GobProtocol
import Testing

/// `gob await` end to end: streaming, summaries, every exit code, `--any`,
/// `--timeout`, Ctrl+C, already-finished jobs, unknown IDs and `--json`.
@Suite("Awaiting jobs", .endToEnd, .timeLimit(.minutes(3)))
struct AwaitTests {
    /// `Job <id> exited with code <n> after <d.d>s` as a pattern.
    static func exited(_ id: String, _ code: Int) -> Regex<Substring> {
        // IDs and codes are alphanumeric: nothing to escape.
        (try? Regex("Job \(id) exited with code \(code) after [0-9]+\\.[0-9]s\n")) ?? Regex(verbatim: "never")
    }

    static func killed(_ id: String, _ signal: String) -> Regex<Substring> {
        (try? Regex("Job \(id) was killed by \(signal) after [0-9]+\\.[0-9]s\n")) ?? Regex(verbatim: "never")
    }

    @Test func oneJobExitingZeroThreeOrBySignal() async throws {
        try await Sandbox.run { sandbox async throws in
            let (zero, _) = try await sandbox.addJob("sh", "-c", "echo out0; sleep 0.2")
            let (three, _) = try await sandbox.addJob("sh", "-c", "echo out3; echo err3 >&2; sleep 0.2; exit 3")
            let (term, _) = try await sandbox.addJob("sh", "-c", "sleep 0.2; kill -TERM $$")

            let ok = try await sandbox.gob("await", zero)
            #expect(ok.status == 0, "\(ok)")
            #expect(ok.stdout.hasPrefix("[\(zero)] out0\n"), "output streamed with the [id] prefix: \(ok)")
            #expect(ok.stdout.contains(Self.exited(zero, 0)), "\(ok)")
            #expect(ok.stderr.isEmpty)

            let failed = try await sandbox.gob("await", three)
            #expect(failed.status == 3, "\(failed)")
            #expect(failed.stdout.contains("[\(three)] out3\n") && failed.stdout.contains("[\(three)] err3\n"))
            #expect(failed.stdout.hasSuffix("\n"))
            #expect(failed.stdout.split(separator: "\n").last.map { $0.hasPrefix("Job \(three) exited with code 3 after ") } == true)

            let signalled = try await sandbox.gob("await", term)
            #expect(signalled.status == 128 + SIGTERM, "\(signalled)")
            #expect(signalled.stdout.contains(Self.killed(term, "SIGTERM")), "\(signalled)")
        }
    }

    @Test func severalJobsWithMixedResults() async throws {
        try await Sandbox.run { sandbox async throws in
            let (zero, _) = try await sandbox.addJob("sh", "-c", "sleep 0.3")
            let (five, _) = try await sandbox.addJob("sh", "-c", "sleep 0.1; exit 5")
            let (killed, _) = try await sandbox.addJob("sh", "-c", "sleep 0.2; kill -KILL $$")
            let all = try await sandbox.gob("await", zero, five, killed)
            #expect(all.status == 5, "the first non-zero code in argument order: \(all)")
            let lines = all.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(all)")
            #expect(lines[0].hasPrefix("Job \(zero) exited with code 0 after "))
            #expect(lines[1].hasPrefix("Job \(five) exited with code 5 after "))
            #expect(lines[2].hasPrefix("Job \(killed) was killed by SIGKILL after "))

            let reordered = try await sandbox.gob("await", killed, five, zero)
            #expect(reordered.status == 128 + SIGKILL, "\(reordered)")
            let fine = try await sandbox.gob("await", zero, zero)
            #expect(fine.status == 0)
        }
    }

    @Test func anyReturnsWithTheFirstToEnd() async throws {
        try await Sandbox.run { sandbox async throws in
            let (slow, _) = try await sandbox.addJob("sleep", "300")
            let (quick, _) = try await sandbox.addJob("sh", "-c", "sleep 0.3; exit 4")
            let outcome = try await sandbox.gob("await", "--any", slow, quick)
            #expect(outcome.status == 4, "\(outcome)")
            #expect(outcome.stdout.contains("Job \(slow) is still running\n"), "\(outcome)")
            #expect(outcome.stdout.contains(Self.exited(quick, 4)), "\(outcome)")
            #expect(try await sandbox.listedJob(slow)?.status == .running, "the others keep running")
        }
    }

    @Test func timeoutExits124AndLeavesTheJobRunning() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sh", "-c", "echo started; sleep 300")
            let clock = ContinuousClock()
            let began = clock.now
            let outcome = try await sandbox.gob("await", "--timeout", "0.5", id)
            let waited = clock.now - began
            #expect(outcome.status == 124, "\(outcome)")
            // At least its timeout; the upper bound only proves it does not hang.
            #expect(waited >= .milliseconds(500) && waited < Failsafe.wait, "\(waited)")
            #expect(outcome.stdout == "[\(id)] started\nJob \(id) is still running (timed out)\n", "\(outcome)")
            #expect(ProcessScan.isLive(pid))
            #expect(try await sandbox.listedJob(id)?.status == .running)

            let json = try await sandbox.gob("await", "--json", "--timeout=0", id)
            #expect(json.status == 124)
            let object = try JSON(parsing: json.stdout)
            #expect(object["exit_code"] == .int(124))
            #expect(object["outcome"]?.stringValue == "timed_out")
            #expect(object["jobs"]?.arrayValue?.first?["ended"] == .bool(false))
            #expect(object["jobs"]?.arrayValue?.first?["exit_status"] == .null)
        }
    }

    @Test func alreadyFinishedJobPrintsItsLogs() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sh", "-c", "echo first; printf 'no newline'; exit 2")
            _ = try await sandbox.waitUntilStopped(id)
            let outcome = try await sandbox.gob("await", id)
            #expect(outcome.status == 2)
            #expect(outcome.stdout.hasPrefix("[\(id)] first\n[\(id)] no newline\n"), "\(outcome)")
            #expect(outcome.stdout.contains(Self.exited(id, 2)))
        }
    }

    @Test func awaitTheIDThatAddQuietPrinted() async throws {
        let bash = try #require(Sandbox.installedProgram("bash"))
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.runProgram(bash, ["-c", #"JOB=$(gob add -q sleep 1) && echo "id=$JOB" && gob await $JOB"#])
            #expect(outcome.status == 0, "\(outcome)")
            let lines = outcome.stdout.split(separator: "\n").map(String.init)
            let id = try #require(lines.first?.dropFirst("id=".count)).description
            #expect(id.count == 3)
            #expect(lines.count == 2)
            #expect(outcome.stdout.contains(Self.exited(id, 0)), "\(outcome)")
            #expect(lines[1].hasPrefix("Job \(id) exited with code 0 after "))
        }
    }

    @Test func unknownIDFailsBeforeWaiting() async throws {
        try await Sandbox.run { sandbox async throws in
            let (running, _) = try await sandbox.addJob("sleep", "300")
            let outcome = try await sandbox.gob("await", running, "NoSuchJ")
            CommandLineErrorTests.expectRuntimeError(outcome, "job not found: NoSuchJ")
            // Without IDs, a directory without running jobs has nothing to wait for.
            CommandLineErrorTests.expectRuntimeError(
                try await sandbox.gob("await", in: try sandbox.makeDirectory()), "no running job in this directory to wait for")
            CommandLineErrorTests.expectRuntimeError(
                try await sandbox.gob("await", "--timeout", "soon", running), "invalid value \"soon\" for --timeout: expected seconds")
            CommandLineErrorTests.expectRuntimeError(
                try await sandbox.gob("await", "--timeout", "-1", running), "invalid value \"-1\" for --timeout: must be 0 or more")
            CommandLineErrorTests.expectRuntimeError(
                try await sandbox.gob("await", ""), "job ID is empty (is the variable holding it set?)")
            CommandLineErrorTests.expectRuntimeError(
                try await sandbox.gob("await", running, ""), "job ID is empty (is the variable holding it set?)")
            CommandLineErrorTests.expectUsageError(
                try await sandbox.gob("await", running, "--timeout"), "flag needs an argument: --timeout", command: "await")
        }
    }

    @Test func interruptingStopsWaitingOnly() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sh", "-c", "while :; do echo tick; sleep 0.1; done")
            let started = try sandbox.start(["await", id])
            // Once it streams the job's output, `await` waits and takes Ctrl+C itself
            // (subscribed is not enough: it asks for the jobs before it waits).
            try await sandbox.waitForOutput(of: started, "await to stream the job's output") { $0.contains("[\(id)] tick\n") }
            kill(started.pid, SIGINT)
            let outcome = try await started.finish()
            #expect(outcome.status == 130, "\(outcome)")
            let lines = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.suffix(2) == ["Job \(id) is still running (interrupted)", ""], "\(outcome)")
            #expect(lines.dropLast(2).allSatisfy { $0 == "[\(id)] tick" }, "\(outcome)")
            #expect(ProcessScan.isLive(pid))
        }
    }

    @Test func jsonReportsEveryJobAndStreamsNothing() async throws {
        try await Sandbox.run { sandbox async throws in
            let (ok, _) = try await sandbox.addJob("sh", "-c", "echo noisy; sleep 0.2")
            let (bad, _) = try await sandbox.addJob("sh", "-c", "echo noisy; exit 7")
            let outcome = try await sandbox.gob("await", "--json", ok, bad)
            #expect(outcome.status == 7)
            #expect(!outcome.stdout.contains("[\(ok)]"), "no streamed output")
            let object = try JSON(parsing: outcome.stdout)
            guard case let .object(members) = object else { Issue.record("not an object"); return }
            #expect(members.map(\.0) == ["exit_code", "outcome", "jobs"])
            #expect(object["exit_code"] == .int(7))
            #expect(object["outcome"]?.stringValue == "ended")
            let jobs = try #require(object["jobs"]?.arrayValue)
            #expect(jobs.map { $0["id"]?.stringValue } == [ok, bad])
            #expect(jobs.map { $0["exit_status"] } == [.int(0), .int(7)])
            #expect(jobs.allSatisfy { $0["ended"] == .bool(true) })
            let job = try #require(jobs.last?["job"].flatMap(JobSnapshot.init(json:)))
            #expect(job.exitCode == 7 && job.status == .stopped && job.runTimeMilliseconds != nil)
            #expect(job.stdoutPath == sandbox.paths.stdoutLog(bad))
        }
    }
}
