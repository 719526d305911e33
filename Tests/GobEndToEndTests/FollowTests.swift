import Glibc
import Foundation
import GobProtocol
import Testing

/// `run` and the `-f` follows end to end: output, footers that say how the job ended, exit
/// statuses, argument rules.
@Suite("Following jobs", .endToEnd, .timeLimit(.minutes(3)))
struct FollowTests {
    /// Whether `output` ends with the footer `\nJob <id> completed: <outcome> after <n>s\n`
    /// (the duration is the job's run time, so only its form is checked).
    static func endsWithFooter(_ output: String, id: String, _ outcome: String) -> Bool {
        guard let start = output.range(of: "\n\nJob \(id) completed: \(outcome) after ", options: .backwards) else {
            return false
        }
        let duration = output[start.upperBound...]
        return duration.hasSuffix("s\n") && duration.dropLast(2).allSatisfy { $0.isNumber || $0 == "." || $0 == "m" }
    }

    /// The job ID from the header line of a follow.
    func headerID(_ outcome: Outcome, verb: String = "Added") throws -> String {
        let line = try #require(outcome.stdout.split(separator: "\n").first, "\(outcome)")
        #expect(line.hasPrefix("\(verb) job "), "\(outcome)")
        return String(line.dropFirst("\(verb) job ".count).prefix { $0 != " " })
    }

    @Test func runPrintsPrefixedOutputAndExitsWithTheJobsCode() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob("run", "sh", "-c", "echo out1; echo err1 >&2; exit 3")
            let id = try headerID(outcome)
            #expect(outcome.status == 3, "the job's exit code")
            let lines = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == "Added job \(id) running: sh -c 'echo out1; echo err1 >&2; exit 3'")
            // Not a terminal: no colours; stdout and stderr lines in either order.
            #expect(Set(lines[1...2]) == ["[\(id)] out1", "[\(id)] err1"])
            #expect(lines.count == 6 && lines[3].isEmpty && lines[5].isEmpty)
            #expect(Self.endsWithFooter(outcome.stdout, id: id, "exit code 3"), "\(outcome)")
            #expect(outcome.stderr.isEmpty)
        }
    }

    static let exitCases: [(command: [String], expected: Int32, footer: String)] = [
        (["true"], 0, "exit code 0"), (["false"], 1, "exit code 1"), (["sh", "-c", "exit 7"], 7, "exit code 7"),
        (["sh", "-c", "kill -9 $$"], 137, "killed by SIGKILL"), (["sh", "-c", "kill -TERM $$"], 143, "killed by SIGTERM"),
    ]

    @Test(arguments: 0..<exitCases.count)
    func runExitStatus(index: Int) async throws {
        let (command, expected, footer) = Self.exitCases[index]
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob(["run"] + command)
            let id = try headerID(outcome)
            #expect(outcome.status == expected, "\(outcome)")
            #expect(Self.endsWithFooter(outcome.stdout, id: id, footer), "\(outcome)")
        }
    }

    @Test func aLastLineWithoutNewlineIsPrinted() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob("run", "printf", "no-newline")
            let id = try headerID(outcome)
            #expect(outcome.stdout.contains("\n[\(id)] no-newline\n\nJob \(id) completed: exit code 0 after "), "\(outcome)")
        }
    }

    @Test func runArgumentRules() async throws {
        try await Sandbox.run { sandbox async throws in
            let split = try await sandbox.gob("run", "echo hello world")
            let id = try headerID(split)
            #expect(split.stdout.contains("Added job \(id) running: echo hello world\n[\(id)] hello world\n"))

            let flags = try await sandbox.gob("run", "echo", "--filter", "web")
            #expect(flags.stdout.contains("] --filter web\n"), "everything after the command is the job's")

            let dashes = try await sandbox.gob("run", "--", "echo", "-n", "x")
            #expect(dashes.stdout.contains("running: echo -n x\n"))

            let none = try await sandbox.gob("run")
            #expect(none.status == 1)
            #expect(none.stderr.hasPrefix("Error: requires at least 1 arg(s)\n"))
            let onlyDashes = try await sandbox.gob("run", "--")
            #expect(onlyDashes.stderr.hasPrefix("Error: requires at least 1 arg(s)\n"))

            let help = try await sandbox.gob("run", "--help")
            #expect(help.status == 0)
            #expect(help.stdout.contains("Run a command and follow its output until completion"))
        }
    }

    /// `run` of a stopped job's command starts a new run of that job, which shows only
    /// the new run's output; a running one gets a second job beside it.
    @Test func runReusesAStoppedJobAndRefusesARunningOne() async throws {
        try await Sandbox.run { sandbox async throws in
            let first = try await sandbox.gob("run", "sh", "-c", "echo $$")
            let id = try headerID(first)
            let second = try await sandbox.gob("run", "sh", "-c", "echo $$")
            #expect(try headerID(second, verb: "Restarted") == id)
            #expect(second.stdout.hasPrefix("Restarted job \(id) running: sh -c 'echo $$'\n"))
            let firstPID = first.stdout.split(separator: "\n")[1]
            #expect(!second.stdout.contains(firstPID + "\n"), "the new run has logs of its own")
            #expect(try await sandbox.listedJobs().count == 1)
            #expect(try await sandbox.listedJob(id)?.run == "\(id)-2")

            // A running match: `run` refuses, `add` starts a second instance beside it.
            let (running, _) = try await sandbox.addJob("sleep", "300")
            let refused = try await sandbox.gob("run", "sleep", "300")
            #expect(refused.status == 1)
            #expect(refused.stderr.hasPrefix(
                "Error: failed to add job: job \(running) is already running with the same command\n"), "\(refused)")
            let (beside, _) = try await sandbox.addJob("sleep", "300")
            #expect(beside != running, "a second job beside the running one")

            let missing = try await sandbox.gob("run", "nonexistent_command_xyz")
            #expect(missing.status == 1)
            #expect(missing.stderr == "Error: failed to add job: cannot start \"nonexistent_command_xyz\": no such file\n", "\(missing)")
        }
    }

    @Test func interruptingRunLeavesTheJobRunning() async throws {
        try await Sandbox.run { sandbox async throws in
            let started = try sandbox.start(["run", "sh", "-c", "echo begun; sleep 300"])
            try await sandbox.waitForOutput(of: started, "the job's first line") { $0.contains("] begun\n") }
            kill(started.pid, SIGINT)
            let outcome = try await started.finish()
            let id = try headerID(outcome)
            #expect(outcome.status == 0)
            #expect(outcome.stdout.hasSuffix("\nJob \(id) continues running in background\n"))
            #expect(try await sandbox.listedJob(id)?.status == .running)
        }
    }

    @Test func addStartRestartFollow() async throws {
        try await Sandbox.run { sandbox async throws in
            let added = try await sandbox.gob("add", "-f", "sh", "-c", "echo A; exit 5")
            let id = try headerID(added)
            #expect(added.status == 5)
            #expect(added.stdout.hasPrefix("Added job \(id) running: sh -c 'echo A; exit 5'\n[\(id)] A\n"))
            #expect(Self.endsWithFooter(added.stdout, id: id, "exit code 5"), "\(added)")

            let start = try await sandbox.gob("start", "-f", id)
            #expect(start.status == 5)
            #expect(start.stdout.contains("\n[\(id)] A\n") && Self.endsWithFooter(start.stdout, id: id, "exit code 5"), "\(start)")
            #expect(start.stdout.components(separatedBy: "] A\n").count == 2, "truncated logs: A once")

            let restart = try await sandbox.gob("restart", "--follow", id)
            #expect(restart.status == 5)
            #expect(restart.stdout.hasPrefix("Restarted job \(id) with new PID "))
            #expect(restart.stdout.contains("\n[\(id)] A\n") && Self.endsWithFooter(restart.stdout, id: id, "exit code 5"))
        }
    }

    @Test(.tags(.long)) func tenMegabytesAreFollowedCompletely() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob("run", "seq", "1", "1300000")
            let id = try headerID(outcome)
            #expect(outcome.status == 0)
            let lines = outcome.stdout.split(separator: "\n")
            try #require(lines.count == 1 + 1_300_000 + 1, "\(lines.count) lines")
            #expect(lines[1] == "[\(id)] 1")
            #expect(lines[1_300_000] == "[\(id)] 1300000")
        }
    }

    @Test func interleavedStdoutAndStderrAreAllShown() async throws {
        try await Sandbox.run { sandbox async throws in
            let script = "for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done"
            let outcome = try await sandbox.gob("run", "sh", "-c", script)
            let id = try headerID(outcome)
            for i in 1...5 {
                #expect(outcome.stdout.contains("[\(id)] out\(i)\n"))
                #expect(outcome.stdout.contains("[\(id)] err\(i)\n"))
            }
            let outs = outcome.stdout.split(separator: "\n").filter { $0.contains("] out") }
            #expect(outs == (1...5).map { "[\(id)] out\($0)"[...] }, "each stream keeps its order")
        }
    }
}
