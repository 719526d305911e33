import Glibc
import Foundation
import GobProtocol
import GobTestSupport
import Testing

/// Jobs, runs and their history as the user sees them: what survives `gob shutdown`, a
/// killed daemon and a reboot; `runs`, `stats`, earlier runs' output, estimates and
/// progress; logs kept for the newest runs only.
@Suite("History: runs that outlive the daemon", .endToEnd, .timeLimit(.minutes(3)))
struct HistoryTests {
    /// The run ID printed first on the line of `gob runs` output for run `number`.
    private func runLines(_ outcome: Outcome) -> [String] {
        outcome.stdout.split(separator: "\n").map(String.init)
    }

    @Test func historySurvivesShutdown() async throws {
        try await Sandbox.run { sandbox async throws in
            let first = try await sandbox.gob("run", "sh", "-c", "echo first run")
            let id = try headerID(first)
            #expect(try await sandbox.gob("run", "sh", "-c", "echo first run").status == 0)
            let (server, pid) = try await sandbox.addJob("sleep", "300")
            let ready = try await sandbox.gob("add", "-q", "--ready-log", "^up$", "--ready-timeout", "40s", "--", "sh", "-c", "echo up; sleep 300")
            #expect(ready.status == 0, "\(ready)")
            let ruled = ready.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let daemon = try sandbox.daemonProcess()
            let shutdown = try await sandbox.gob("shutdown")
            #expect(shutdown.stdout == "Stopped the gob daemon (PID \(daemon.pid))\n", "\(shutdown)")
            #expect(daemon.hasExited, "gob shutdown returns once the daemon is gone")
            #expect(!ProcessScan.isLive(pid), "its jobs were stopped")
            #expect(try await sandbox.gob("shutdown").stdout == "No daemon running\n", "and it starts none")
            #expect(sandbox.daemonPID == nil)

            let jobs = try await sandbox.listedJobs()
            #expect(Set(jobs.map(\.id)) == [id, server, ruled])
            let kept = try #require(jobs.first { $0.id == server })
            #expect(kept.status == .stopped && kept.stoppedByGob && kept.outcome == .stopped)
            // A job's readiness rule is kept with it: its next start waits for it again.
            let withRule = try #require(jobs.first { $0.id == ruled })
            #expect(withRule.readyLog == "^up$" && withRule.readyTimeoutMilliseconds == 40_000, "\(withRule)")
            let again = try await sandbox.gob("start", ruled)
            #expect(again.status == 0 && again.stdout.contains("ready"), "\(again)")
            let runs = try await sandbox.gob("runs", id)
            #expect(runLines(runs).map { String($0.prefix { $0 != " " }) } == ["\(id)-2", "\(id)-1"], "\(runs)")
            #expect(runs.stdout.contains("✓ 0"), "\(runs)")
            #expect(try await sandbox.gob("stdout", id).stdout == "first run\n")
            #expect(try await sandbox.gob("stdout", "\(id)-1").stdout == "first run\n")
        }
    }

    /// A daemon killed outright: the next one has every job and every run it recorded.
    @Test func historySurvivesAKilledDaemon() async throws {
        try await Sandbox.run { sandbox async throws in
            let done = try await sandbox.gob("run", "sh", "-c", "echo done; exit 4")
            #expect(done.status == 4)
            let id = try headerID(done)
            let daemon = try sandbox.daemonProcess()
            daemon.signal(SIGKILL)
            try await daemon.waitForExit("the killed daemon to exit")
            let job = try #require(try await sandbox.listedJob(id))
            #expect(job.exitCode == 4 && job.outcome == .failure && job.stats == RunStats(runs: 1, successes: 0, failures: 1))
            #expect(try await sandbox.gob("stdout", id).stdout == "done\n")
        }
    }

    /// After a reboot (another boot id) a run still marked running is recorded as lost,
    /// and nothing is signalled: a PID of the old boot names no process of this one.
    @Test func aRebootMarksRunningRunsLost() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sleep", "300")
            let job = try #require(ProcessHandle(pid))
            let daemon = try sandbox.daemonProcess()
            daemon.signal(SIGKILL)
            try await daemon.waitForExit("the killed daemon to exit")
            // The job's process lives on; under another boot id its PID means nothing.
            let rebooted = ["GOB_TEST_BOOT_ID": "another-boot"]
            let list = try await sandbox.gob(["list", "--json"], environment: rebooted)
            let lost = try #require(try JSON(parsing: list.stdout).arrayValue?.compactMap(JobSnapshot.init(json:)).first)
            #expect(lost.id == id && lost.status == .stopped && lost.outcome == .lost, "\(list)")
            #expect(sandbox.daemonLog.contains("The machine restarted since the last daemon: 1 run(s) recorded as lost"))
            #expect(ProcessScan.isLive(pid), "no process was signalled for a run of another boot")
            let runs = try await sandbox.gob(["runs", id], environment: rebooted)
            #expect(runs.stdout.hasPrefix("\(id)-1") && runs.stdout.contains("? lost"), "\(runs)")
            job.signal(SIGKILL)
        }
    }

    @Test func runsStatsAndEstimates() async throws {
        try await Sandbox.run { sandbox async throws in
            let script = "[ -e fail ] && exit 7; echo ok"
            var id = ""
            for _ in 0..<3 {
                let outcome = try await sandbox.gob("run", "sh", "-c", script)
                #expect(outcome.status == 0, "\(outcome)")
                id = try headerID(outcome, verb: id.isEmpty ? "Added" : "Restarted")
            }
            try Data().write(to: URL(fileURLWithPath: sandbox.workdir + "/fail"))
            let failed = try await sandbox.gob("run", "sh", "-c", script)
            #expect(failed.status == 7)
            let lines = failed.stdout.split(separator: "\n")
            #expect(lines.count >= 2 && lines[1].hasPrefix("Expected ~") && lines[1].hasSuffix("; 3 of 3 runs succeeded"),
                    "the estimate line follows the header once 3 runs succeeded: \(failed)")

            let runs = try await sandbox.gob("runs", id)
            let rows = runLines(runs)
            #expect(rows.count == 4, "\(runs)")
            #expect(rows.first?.hasPrefix("\(id)-4") == true && rows.first?.hasSuffix("✗ 7") == true, "\(runs)")
            #expect(rows.last?.hasPrefix("\(id)-1") == true && rows.last?.hasSuffix("✓ 0") == true, "\(runs)")
            let ascii = try await sandbox.gob(["runs", id], environment: ["LC_ALL": "C", "LC_CTYPE": nil, "LANG": nil])
            #expect(ascii.stdout.contains("! 7") && ascii.stdout.contains("ok 0") && !ascii.stdout.contains("✓"), "\(ascii)")
            let json = try JSON(parsing: try await sandbox.gob("runs", "--json", "--limit", "2", id).stdout)
            #expect(json.arrayValue?.compactMap(RunSnapshot.init(json:)).map(\.number) == [4, 3])

            let stats = try await sandbox.gob("stats", id)
            #expect(stats.stdout.contains("Runs: 4 (3 succeeded, 1 failed)\nSuccess rate: 75.0%\n"), "\(stats)")
            #expect(stats.stdout.contains("Successful runs: typically ") && stats.stdout.contains("(latest 3)"), "\(stats)")
            let numbers = try JSON(parsing: try await sandbox.gob("stats", "--json", id).stdout)
            #expect(numbers["job_id"] == .string(id) && numbers["runs"] == .int(4) && numbers["success_rate"] == .double(0.75))
            #expect(numbers["successful"]?["count"] == .int(3) && numbers["failed"]?["count"] == .int(1))

            let listed = try #require(try await sandbox.listedJob(id))
            #expect(listed.run == "\(id)-4" && listed.runs == 4 && listed.estimate != nil)
            let quiet = try await sandbox.gob("start", "-q", id)
            #expect(quiet.stdout.isEmpty, "no estimate with --quiet: \(quiet)")
        }
    }

    /// A running job with an estimate shows its progress under it in `list`.
    @Test func listShowsTheProgressOfARunningJob() async throws {
        try await Sandbox.run { sandbox async throws in
            let script = "[ -e hold ] && exec sleep 300; sleep 0.2"
            for _ in 0..<3 { #expect(try await sandbox.gob("run", "-d", "waits", "sh", "-c", script).status == 0) }
            try Data().write(to: URL(fileURLWithPath: sandbox.workdir + "/hold"))
            let started = try await sandbox.gob("add", "sh", "-c", script)
            #expect(started.stdout.hasPrefix("Restarted job "), "\(started)")
            let list = try await sandbox.gob("list")
            let lines = list.stdout.split(separator: "\n")
            #expect(lines.count == 2 && lines[0].hasSuffix("running: sh -c '[ -e hold ] && exec sleep 300; sleep 0.2'"), "\(list)")
            #expect(lines.count == 2 && lines[1].hasPrefix("    waits  ") && lines[1].contains("% of ~"), "\(list)")
        }
    }

    /// Only the newest 10 runs of a job keep their logs; an older run's output is gone
    /// with a clear error, its record stays.
    @Test func onlyTheNewestRunsKeepTheirLogs() async throws {
        try await Sandbox.run { sandbox async throws in
            var id = ""
            for n in 1...11 {
                let outcome = try await sandbox.gob("run", "sh", "-c", "echo run")
                #expect(outcome.status == 0, "run \(n): \(outcome)")
                if id.isEmpty { id = try headerID(outcome) }
            }
            #expect(!sandbox.runLogFiles.contains("\(id)-1.stdout.log"), "\(sandbox.runLogFiles)")
            #expect(sandbox.runLogFiles.contains("\(id)-2.stdout.log"))
            let pruned = try await sandbox.gob("stdout", "\(id)-1")
            #expect(pruned.status == 1)
            #expect(pruned.stderr == "Error: the logs of run \(id)-1 were pruned: only the newest runs of a job keep theirs\n")
            let runs = try await sandbox.gob("runs", "--limit", "0", id)
            #expect(runLines(runs).count == 11 && runLines(runs).last?.hasSuffix("(logs pruned)") == true, "\(runs)")
            #expect(try await sandbox.gob("stdout", "\(id)-2").stdout == "run\n")
        }
    }

    @Test func oneEarlierRunIsRemoved() async throws {
        try await Sandbox.run { sandbox async throws in
            let id = try headerID(try await sandbox.gob("run", "sh", "-c", "echo a"))
            #expect(try await sandbox.gob("run", "sh", "-c", "echo a").status == 0)
            let removed = try await sandbox.gob("remove", "\(id)-1")
            #expect(removed.stdout == "Removed run \(id)-1\n", "\(removed)")
            #expect(!sandbox.runLogFiles.contains { $0.hasPrefix("\(id)-1.") })
            let latest = try await sandbox.gob("remove", "\(id)-2")
            #expect(latest.status == 1)
            #expect(latest.stderr == "Error: run \(id)-2 is job \(id)'s latest: remove the job with 'gob remove \(id)'\n")
            let unknown = try await sandbox.gob("stdout", "\(id)-7")
            #expect(unknown.stderr == "Error: run not found: \(id)-7\n", "\(unknown)")
            #expect(try await sandbox.gob("remove", id).status == 0)
            #expect(sandbox.runLogFiles.isEmpty, "a removed job takes every run's logs")
        }
    }

    /// The database and logs live in the state directory; `cleanup` and `nuke` forget
    /// jobs with their history, `shutdown` keeps them.
    @Test func whatCleanupAndNukeForget() async throws {
        try await Sandbox.run { sandbox async throws in
            let kept = try headerID(try await sandbox.gob("run", "sh", "-c", "echo kept"))
            let (running, _) = try await sandbox.addJob("sleep", "300")
            let other = try sandbox.makeDirectory()
            let (elsewhere, _) = try await sandbox.addJob("sleep", "301", in: other)
            #expect(try await sandbox.gob("cleanup").stdout == "Cleaned up 1 stopped job(s)\n")
            #expect(!sandbox.runLogFiles.contains { $0.hasPrefix("\(kept)-") })
            #expect(try await sandbox.gob("nuke").status == 0)
            #expect(try await sandbox.listedJobs().map(\.id) == [elsewhere])
            #expect(!sandbox.runLogFiles.contains { $0.hasPrefix("\(running)-") })
            #expect(FileManager.default.fileExists(atPath: sandbox.database))
        }
    }

    private func headerID(_ outcome: Outcome, verb: String = "Added") throws -> String {
        let line = try #require(outcome.stdout.split(separator: "\n").first, "\(outcome)")
        #expect(line.hasPrefix("\(verb) job "), "\(outcome)")
        return String(line.split(separator: " ").dropFirst(2).first ?? "")
    }
}
