import Glibc
import Foundation
import GobProtocol
import GobTestSupport
import Testing

/// The limits on logs that `config.toml` sets, each end to end with small limits: one
/// stream of one run, all logs together, runs per job; followers across a cut; files
/// the daemon refuses; and an idle daemon whose jobs log under the limits.
@Suite("Log limits from config.toml", .endToEnd, .timeLimit(.minutes(10)))
struct LogLimitsTests {
    static let notice = "gob: earlier stdout output was dropped: its log passed the max_stream limit of config.toml\n"

    /// Writes `text` as the sandbox's `config.toml`; returns its path.
    @discardableResult
    static func configure(_ sandbox: Sandbox, _ text: String) throws -> String {
        let directory = sandbox.configHome + "/gob"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/config.toml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A shell loop printing `line <n>` padded to 40 bytes, for n in `from...to`, pausing
    /// `pause` seconds after each `every` lines (0: never).
    static func lines(_ from: Int, _ to: Int, every: Int = 0, pause: String = "0") -> String {
        let wait = every > 0 ? "[ $((i % \(every))) = 0 ] && sleep \(pause); " : ""
        return "i=\(from); while [ $i -le \(to) ]; do printf 'line %-34s\\n' $i; \(wait)i=$((i+1)); done"
    }

    /// The numbers of `line <n>` lines, checking every line has that shape.
    static func numbers(_ text: String) -> [Int]? {
        var numbers: [Int] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            guard line.hasPrefix("line "), line.count == 39,
                  let number = Int(line.dropFirst(5).trimmingCharacters(in: .whitespaces))
            else { return nil }
            numbers.append(number)
        }
        return numbers
    }

    /// The disk space the sandbox's run logs take (what the total limit counts).
    static func logsUsage(_ sandbox: Sandbox) -> Int64 {
        let directory = sandbox.stateHome + "/gob/logs"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.reduce(Int64(0)) { sum, name in
            var info = stat()
            return lstat(directory + "/" + name, &info) == 0 ? sum + Int64(info.st_blocks) * 512 : sum
        }
    }

    // MARK: One stream

    @Test func aStreamPastItsLimitKeepsItsNewestPart() async throws {
        try await Sandbox.run { sandbox async throws in
            try Self.configure(sandbox, "[logs]\nmax_stream = \"64KiB\"\n")
            // 5,000 lines of 40 bytes: 200,000 bytes, three times the limit.
            let (id, _) = try await sandbox.addJob("sh", "-c", Self.lines(1, 5000))
            _ = try await sandbox.waitUntilStopped(id)
            var shown = Outcome(status: 0, stdout: "", stderr: "")
            try await sandbox.waitUntil("the ended run's stdout to be cut under its limit") {
                shown = try await sandbox.gob("stdout", id)
                return shown.stdout.utf8.count <= 64 << 10
            }
            #expect(shown.status == 0, "\(shown)")
            #expect(shown.stdout.utf8.count >= 32 << 10, "at least the newest half is kept: \(shown.stdout.utf8.count) bytes")
            let numbers = try #require(Self.numbers(shown.stdout), "whole lines only, from a line's start")
            #expect(numbers == Array((numbers.first ?? 0)...5000), "the newest lines, none missing")
            #expect(shown.stderr == Self.notice, "said once, on stderr: \(shown.stderr)")
            #expect(sandbox.daemonLog.contains("Dropped the oldest"), "\(sandbox.daemonLog)")

            // The end is intact, and asking only for it says nothing of the drop.
            let tail = try await sandbox.gob("stdout", "--tail", "2", id)
            #expect(tail.stdout == String(format: "line %-34d\nline %-34d\n", 4999, 5000) && tail.stderr.isEmpty, "\(tail)")
            // More lines than are kept: the kept ones, and the notice.
            let long = try await sandbox.gob("stdout", "--tail", "4000", id)
            #expect(long.stdout == shown.stdout && long.stderr == Self.notice, "\(long.stderr)")
            // The other stream was never cut.
            let errors = try await sandbox.gob("stderr", id)
            #expect(errors.stdout.isEmpty && errors.stderr.isEmpty, "\(errors)")
        }
    }

    /// A follower started after a cut, following while more cuts happen: it says once
    /// that earlier output was dropped, and loses no line written after it started.
    @Test func aFollowerAcrossCutsLosesNothing() async throws {
        try await Sandbox.run { sandbox async throws in
            try Self.configure(sandbox, "[logs]\nmax_stream = \"128KiB\"\n")
            // 160,000 bytes at once (a cut), then, once the test says so, 320,000 more at
            // a pace a follower keeps up with: more cuts while it follows.
            let script = Self.lines(1, 4000) + "; while [ ! -e go ]; do sleep 0.02; done; "
                + Self.lines(4001, 12000, every: 40, pause: "0.01") + "; echo done"
            let (id, _) = try await sandbox.addJob("sh", "-c", script)
            try await sandbox.waitForDaemonLog("Dropped the oldest")
            let follower = try sandbox.start(["stdout", "-f", id])
            let prefixed = try sandbox.start(["logs"])
            try await sandbox.waitForOutput(of: follower, "the follower to print the first part") {
                $0.contains(String(format: "line %-34d\n", 4000))
            }
            try await sandbox.waitForOutput(of: prefixed, "gob logs to print the first part") {
                $0.contains(String(format: "[\(id)] line %-34d\n", 4000))
            }
            let cutsBefore = sandbox.daemonLog.components(separatedBy: "Dropped the oldest").count - 1
            #expect(FileManager.default.createFile(atPath: sandbox.workdir + "/go", contents: nil))
            let followed = try await follower.finish()
            #expect(followed.status == 0, "\(followed)")
            try await sandbox.waitForOutput(of: prefixed, "gob logs to print the end") { $0.contains("[\(id)] done\n") }
            _ = kill(prefixed.pid, SIGINT)
            let monitor = try await prefixed.finish()

            let cutsAfter = sandbox.daemonLog.components(separatedBy: "Dropped the oldest").count - 1
            #expect(cutsAfter > cutsBefore, "cuts happened while following")
            #expect(followed.stdout.hasSuffix("done\n"))
            let numbers = try #require(Self.numbers(String(followed.stdout.dropLast("done\n".count))), "whole lines only")
            let first = try #require(numbers.first)
            #expect(first > 1, "the follower began where the kept output begins")
            #expect(numbers == Array(first...12000), "no line lost across the cuts")
            #expect(followed.stderr == Self.notice, "said once: \(followed.stderr)")

            let lines = monitor.stdout.split(separator: "\n").map(String.init)
            let notices = lines.filter { $0.contains("earlier stdout output was dropped") }
            #expect(notices == ["[\(id)] (earlier stdout output was dropped: its log passed the max_stream limit of config.toml)"],
                    "\(notices)")
            let jobLines = lines.filter { $0.hasPrefix("[\(id)] line ") }.map { String($0.dropFirst("[\(id)] ".count)) }
            let monitored = try #require(Self.numbers(jobLines.joined(separator: "\n") + "\n"))
            #expect(monitored == Array((monitored.first ?? 0)...12000), "gob logs lost no line either")
        }
    }

    // MARK: All logs together

    @Test func theOldestRunsLoseTheirLogsPastTheTotal() async throws {
        try await Sandbox.run { sandbox async throws in
            try Self.configure(sandbox, "[logs]\nmax_total = \"256KiB\"\nmax_stream = \"1MiB\"\n")
            // About 80 KiB per run: an old job's run, then four runs of another.
            let old = try await sandbox.gob("run", "--", "sh", "-c", Self.lines(1, 2000) + "; echo old")
            #expect(old.status == 0)
            let oldID = try #require(try await sandbox.listedJobs().first?.id)
            for _ in 1...4 {
                #expect(try await sandbox.gob("run", "--", "sh", "-c", Self.lines(1, 2000)).status == 0)
            }
            let newID = try #require(try await sandbox.listedJobs().first { $0.id != oldID }?.id)
            try await sandbox.waitUntil(
                "the logs to fit in 256 KiB", watching: [sandbox.paths.directory, sandbox.stateHome + "/gob/logs"]
            ) { Self.logsUsage(sandbox) <= 256 << 10 }

            let oldRuns = try await sandbox.gob("runs", oldID)
            #expect(oldRuns.stdout.contains("(logs pruned)"), "the oldest run went first: \(oldRuns)")
            let pruned = try await sandbox.gob("stdout", "\(oldID)-1")
            #expect(pruned.status == 1 && pruned.stderr.contains("were pruned"), "\(pruned)")
            let latest = try await sandbox.gob("stdout", oldID)
            #expect(latest.stderr == "Error: the logs of run \(oldID)-1 were pruned: only the newest runs of a job keep theirs\n",
                    "a job's latest run can lose its logs too: \(latest)")
            let newRuns = try await sandbox.gob("runs", newID)
            let lines = newRuns.stdout.split(separator: "\n")
            #expect(lines.count == 4 && !lines[0].contains("(logs pruned)") && !lines[1].contains("(logs pruned)"),
                    "the newest runs keep theirs: \(newRuns)")
            #expect(lines.last?.contains("(logs pruned)") == true, "older ones go while the total is passed: \(newRuns)")
            let kept = try await sandbox.gob("stdout", newID)
            #expect(Self.numbers(kept.stdout) == Array(1...2000), "the newest run's log is whole")
            #expect(sandbox.daemonLog.contains("All logs passed 256KiB"), "\(sandbox.daemonLog)")
        }
    }

    /// The newest `keep_runs` runs of a job keep their logs.
    @Test func keepRunsComesFromTheFile() async throws {
        try await Sandbox.run { sandbox async throws in
            try Self.configure(sandbox, "# two are enough\n[logs]\nkeep_runs = 2\n")
            for _ in 1...3 { #expect(try await sandbox.gob("run", "--", "echo", "hello").status == 0) }
            let id = try #require(try await sandbox.listedJobs().first?.id)
            let runs = try await sandbox.gob("runs", id).stdout.split(separator: "\n")
            #expect(runs.count == 3)
            #expect(runs.map { $0.contains("(logs pruned)") } == [false, false, true], "\(runs)")
        }
    }

    // MARK: Files the daemon refuses

    @Test func aBadFileStopsTheDaemonFromStarting() async throws {
        try await Sandbox.run { sandbox async throws in
            let path = sandbox.configHome + "/gob/config.toml"
            let cases: [(String, String)] = [
                ("[logs\n", "\(path):1:6: invalid TOML: "),
                ("[logs]\nkeep_runs = 3\nmax_streams = \"1MiB\"\n",
                 "\(path):3: unknown key \"max_streams\" in [logs] (gob knows keep_runs, max_total, max_stream)\n"),
                ("verbose = true\n", "\(path):1: unknown key \"verbose\" (gob knows the table [logs])\n"),
                ("[logs]\nkeep_runs = \"ten\"\n", "\(path):2: \"keep_runs\" must be a whole number\n"),
                ("[logs]\n\nkeep_runs = 0\n", "\(path):3: \"keep_runs\" must be between 1 and 1000000, not 0\n"),
                ("[logs]\nmax_total = true\n", "\(path):2: \"max_total\" must be a size such as \"256MiB\", or a number of bytes\n"),
                ("[logs]\nmax_stream = \"2 GB\"\n",
                 "\(path):2: invalid max_stream \"2 GB\": expected a size such as \"512KiB\", \"256MiB\" or \"2GiB\"\n"),
                ("[logs]\nmax_stream = \"1KiB\"\n", "\(path):2: \"max_stream\" must be between 16KiB and 1PiB, not 1KiB\n"),
                ("logs = 3\n", "\(path):1: \"logs\" must be a table ([logs])\n"),
            ]
            for (text, why) in cases {
                try Self.configure(sandbox, text)
                let outcome = try await sandbox.gob("list")
                let expected = "Error: failed to connect to daemon: failed to start daemon: cannot use " + why
                #expect(outcome.status != 0 && outcome.stdout.isEmpty, "\(text): \(outcome)")
                #expect(outcome.stderr.hasPrefix(expected), "\(text): \(outcome.stderr)")
                #expect(outcome.stderr.split(separator: "\n").count == 1, "one line: \(outcome.stderr)")
                try await sandbox.waitUntil("no daemon to run with a file it cannot use") { sandbox.daemons.isEmpty }
            }
            // Put right, the file is used.
            try Self.configure(sandbox, "[logs]\nkeep_runs = 3\nmax_total = 1073741824\nmax_stream = \"16 MiB\"\n")
            #expect(try await sandbox.gob("list").status == 0)
            #expect(sandbox.daemonLog.contains("logs of the newest 3 run(s) of each job, 1GiB in all, 16MiB per stream"))
        }
    }

    // MARK: Cost at rest

    /// Jobs that logged and now rest under their limits cost the thread that watches the
    /// limits nothing: no wake-up, no CPU tick. (The whole daemon's ticks are measured
    /// by `bench/run` with 1,000 jobs; here the port lookups that follow each start
    /// would blur them.)
    @Test func loggingJobsAtRestCostNothing() async throws {
        try await Sandbox.run { sandbox async throws in
            try Self.configure(sandbox, "[logs]\nmax_stream = \"64KiB\"\n")
            var ids: [String] = []
            for index in 1...20 {
                ids.append(try await sandbox.addJob("sh", "-c", "echo started \(index); echo oops >&2; exec sleep 600").id)
            }
            try await sandbox.waitUntil("every job to log", watching: [sandbox.paths.directory, sandbox.stateHome + "/gob/logs"]) {
                ids.allSatisfy { sandbox.stdoutLog($0).hasPrefix("started") }
            }
            let daemon = try #require(sandbox.daemonPID)
            // Each log's first write is checked, and its watch armed again a second later.
            _ = try await CPUTime.used(by: daemon, over: .seconds(2))
            let limiter = try #require(DaemonThread(named: "gob-logs", in: daemon), "no gob-logs thread in the daemon")
            let before = try #require(limiter.switches)
            let ticksBefore = try #require(limiter.ticks)
            _ = try await CPUTime.used(by: daemon, over: .seconds(10))
            let after = try #require(limiter.switches)
            let ticksAfter = try #require(limiter.ticks)
            #expect(after == before, "the limits thread woke \(after - before) times in 10 s for logs at rest")
            #expect(ticksAfter == ticksBefore, "the limits thread used \(ticksAfter - ticksBefore) ticks in 10 s")

            // A job that keeps writing wakes it about once a second, not once a write.
            let chatty = try await sandbox.addJob("sh", "-c", "while :; do echo tick; sleep 0.005; done").id
            let start = try #require(limiter.switches)
            let ticks = sandbox.stdoutLog(chatty).components(separatedBy: "tick\n").count
            try await sandbox.waitUntil("the job to print 300 more lines", watching: [sandbox.stateHome + "/gob/logs"]) {
                sandbox.stdoutLog(chatty).components(separatedBy: "tick\n").count >= ticks + 300
            }
            let end = try #require(limiter.switches)
            #expect(end - start < 150, "the limits thread woke \(end - start) times for 300 writes")
        }
    }
}
