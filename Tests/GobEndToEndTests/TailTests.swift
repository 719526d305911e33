import Glibc
import Foundation
import Testing

/// `--tail N` on `stdout`, `stderr` and `logs`, with and without following.
@Suite("Tail of logs", .endToEnd, .timeLimit(.minutes(3)))
struct TailTests {
    @Test func stdoutAndStderrPrintTheLastLines() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sh", "-c", "seq 1 10; printf 'a\\nb\\nc' >&2")
            _ = try await sandbox.waitUntilStopped(id)
            #expect(try await sandbox.gob("stdout", "--tail", "3", id).stdout == "8\n9\n10\n")
            #expect(try await sandbox.gob("stdout", "--tail=1", id).stdout == "10\n")
            #expect(try await sandbox.gob("stdout", "--tail", "0", id).stdout == "")
            #expect(try await sandbox.gob("stdout", "--tail", "100", id).stdout == (1...10).map { "\($0)\n" }.joined())
            #expect(try await sandbox.gob("stderr", id, "--tail", "2").stdout == "b\nc", "a last line without a newline counts")
            CommandLineErrorTests.expectRuntimeError(
                try await sandbox.gob("stdout", "--tail", "many", id),
                "invalid value \"many\" for --tail: expected a whole number of lines")
            CommandLineErrorTests.expectRuntimeError(
                try await sandbox.gob("stderr", "--tail=-2", id), "invalid value \"-2\" for --tail: must be 0 or more")
            CommandLineErrorTests.expectRuntimeError(
                try await sandbox.gob("stderr", "--tail", "-2", id), "invalid value \"-2\" for --tail: must be 0 or more")
        }
    }

    @Test func followStartsWithTheLastLines() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sh", "-c", "seq 1 5; trap 'echo six' USR1; while :; do sleep 0.05; done")
            try await sandbox.waitUntil("the job's first lines") { sandbox.stdoutLog(id) == "1\n2\n3\n4\n5\n" }
            let follower = try sandbox.start(["stdout", "-f", "--tail", "2", id])
            try await sandbox.waitForOutput(of: follower, "the last two lines") { $0 == "4\n5\n" }
            #expect(try await sandbox.gob("signal", id, "USR1").status == 0)
            try await sandbox.waitForOutput(of: follower, "the line written later") { $0 == "4\n5\nsix\n" }
            kill(follower.pid, SIGTERM)
            _ = try await follower.finish()
        }
    }

    @Test func logsTailsEachExistingLogThenFollows() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sh", "-c", "seq 1 3; echo e1 >&2; echo e2 >&2")
            _ = try await sandbox.waitUntilStopped(id)
            let logs = try sandbox.start(["logs", "--tail", "1"])
            try await sandbox.waitForOutput(of: logs, "the last line of each log") {
                $0.contains("[\(id)] 3\n") && $0.contains("[\(id)] e2\n")
            }
            let (later, _) = try await sandbox.addJob("sh", "-c", "echo l1; echo l2")
            try await sandbox.waitForOutput(of: logs, "a new job's output from its start") { $0.contains("[\(later)] l1\n[\(later)] l2\n") }
            kill(logs.pid, SIGTERM)
            let outcome = try await logs.finish()
            #expect(!outcome.stdout.contains("[\(id)] 2\n") && !outcome.stdout.contains("[\(id)] e1\n"), "\(outcome)")
        }
    }
}
