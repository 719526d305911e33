import Glibc
import Foundation
import GobProtocol
import Testing

/// Quiet waits and `await` of a whole directory: `-q` prints one summary line
/// and, on failure, the last lines of the logs; `await` without IDs waits for this
/// directory's running jobs.
@Suite("Quiet runs and directory awaits", .endToEnd, .timeLimit(.minutes(3)))
struct QuietTests {
    /// `Job <id> completed: exit code <n> after <d.d>s` as a whole output.
    static func completed(_ code: Int32) -> Regex<Substring> {
        (try? Regex("^Job [a-z0-9]+ completed: exit code \(code) after [0-9]+\\.[0-9]s\n")) ?? Regex(verbatim: "never")
    }

    @Test func aQuietSuccessIsOneLine() async throws {
        try await Sandbox.run { sandbox async throws in
            let noisy = "for n in $(seq 1 50); do echo line $n; echo warn $n >&2; done"
            let run = try await sandbox.gob("run", "-q", "sh", "-c", noisy)
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.wholeMatch(of: Self.completed(0)) != nil, "nothing but the summary: \(run)")
            #expect(run.stderr.isEmpty)

            let added = try await sandbox.gob("add", "-f", "--quiet", "sh", "-c", noisy)
            #expect(added.status == 0 && added.stdout.wholeMatch(of: Self.completed(0)) != nil, "\(added)")
            let id = String(added.stdout.dropFirst("Job ".count).prefix { $0 != " " })
            let restarted = try await sandbox.gob("restart", "-f", "-q", id)
            #expect(restarted.status == 0 && restarted.stdout.wholeMatch(of: Self.completed(0)) != nil, "\(restarted)")
            #expect(restarted.stdout.hasPrefix("Job \(id) completed"), "no header line with -q: \(restarted)")
        }
    }

    @Test func aQuietFailureShowsTheLastLinesOfEachLog() async throws {
        try await Sandbox.run { sandbox async throws in
            let failing = "for n in $(seq 1 40); do echo out$n; done; echo 'boom' >&2; exit 2"
            let run = try await sandbox.gob("run", "-q", "sh", "-c", failing)
            #expect(run.status == 2, "exit codes as without -q: \(run)")
            let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let id = String(lines[0].dropFirst("Job ".count).prefix { $0 != " " })
            #expect(lines[0].hasPrefix("Job \(id) completed: exit code 2 after "), "\(run)")
            let expected = ["--- stderr of \(id) (last line) ---", "boom", "--- stdout of \(id) (last 30 lines) ---"]
                + (11...40).map { "out\($0)" } + [""]
            #expect(Array(lines.dropFirst()) == expected, "\(run)")

            let tailed = try await sandbox.gob("run", "-q", "--tail", "2", "sh", "-c", failing)
            #expect(tailed.status == 2)
            #expect(tailed.stdout.hasSuffix("--- stdout of \(id) (last 2 lines) ---\nout39\nout40\n"), "the same job, reused: \(tailed)")

            let killed = try await sandbox.gob("start", "-f", "-q", "--tail", "0", id)
            #expect(killed.status == 2 && killed.stdout.split(separator: "\n").count == 1, "--tail 0: the summary only: \(killed)")
        }
    }

    @Test func awaitQuietShowsOnlySummariesAndFailedLogs() async throws {
        try await Sandbox.run { sandbox async throws in
            let (good, _) = try await sandbox.addJob("sh", "-c", "echo fine; sleep 0.2")
            let (bad, _) = try await sandbox.addJob("sh", "-c", "echo why >&2; sleep 0.2; exit 6")
            let outcome = try await sandbox.gob("await", "-q", "--tail", "5", good, bad)
            #expect(outcome.status == 6, "\(outcome)")
            let lines = outcome.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 5, "\(outcome)")
            #expect(lines[0].hasPrefix("Job \(good) exited with code 0 after "))
            #expect(lines[1].hasPrefix("Job \(bad) exited with code 6 after "))
            #expect(Array(lines[2...]) == ["--- stderr of \(bad) (last line) ---", "why", "--- stdout of \(bad): empty ---"])
            #expect(!outcome.stdout.contains("fine"), "the good job's output is not shown")
        }
    }

    @Test func awaitWithoutIDsWaitsForThisDirectorysRunningJobs() async throws {
        try await Sandbox.run { sandbox async throws in
            let empty = try await sandbox.gob("await")
            #expect(empty.status == 1 && empty.stderr == "Error: no running job in this directory to wait for\n", "\(empty)")

            let elsewhere = try sandbox.makeDirectory()
            let (other, _) = try await sandbox.addJob("sleep", "300", in: elsewhere)
            let (ended, _) = try await sandbox.addJob("sh", "-c", "exit 9")
            _ = try await sandbox.waitUntilStopped(ended)
            // Both end only once the await is listening: however slow the machine, they
            // are running when it looks.
            let gate = sandbox.workdir + "/go"
            let wait = "while [ ! -e \(gate) ]; do sleep 0.02; done"
            let (first, _) = try await sandbox.addJob("sh", "-c", "\(wait); sleep 0.1; exit 3")
            let (second, _) = try await sandbox.addJob("sh", "-c", "\(wait); echo done")
            let waiting = try sandbox.start(["await"])
            #expect(try await sandbox.waitForSubscribers(1))
            #expect(FileManager.default.createFile(atPath: gate, contents: nil))
            let outcome = try await waiting.finish()
            #expect(outcome.status == 3, "the first non-zero status, oldest job first: \(outcome)")
            #expect(outcome.stdout.contains("[\(second)] done\n"), "output streams as with IDs: \(outcome)")
            let summaries = outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("Job ") }
            #expect(summaries.count == 2, "only running jobs of this directory: \(outcome)")
            #expect(summaries.first?.hasPrefix("Job \(first) exited with code 3") == true, "\(outcome)")
            #expect(!outcome.stdout.contains(other) && !outcome.stdout.contains(ended))

            // --any and --timeout as with IDs.
            let (slow, _) = try await sandbox.addJob("sleep", "300")
            let later = sandbox.workdir + "/go-again"
            let (quick, _) = try await sandbox.addJob("sh", "-c", "while [ ! -e \(later) ]; do sleep 0.02; done; exit 4")
            let anyWait = try sandbox.start(["await", "--any"])
            #expect(try await sandbox.waitForSubscribers(1))
            #expect(FileManager.default.createFile(atPath: later, contents: nil))
            let any = try await anyWait.finish()
            #expect(any.status == 4 && any.stdout.contains("Job \(slow) is still running\n"), "\(any)")
            #expect(any.stdout.contains("Job \(quick) exited with code 4"), "\(any)")
            let bounded = try await sandbox.gob("await", "--timeout", "0.3")
            #expect(bounded.status == 124 && bounded.stdout == "Job \(slow) is still running (timed out)\n", "\(bounded)")
            #expect(try await sandbox.listedJob(other)?.status == .running)
        }
    }
}
