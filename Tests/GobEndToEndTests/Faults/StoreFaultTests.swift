import Glibc
import Foundation
import GobProtocol
import GobTestSupport
import Testing

/// The state database on a bad day: a damaged file, another program's database, a newer
/// gob's, a full disk, a second daemon wanting the same database, a recorded PID that
/// another process took since, the whole state directory removed under the daemon; and
/// `gob shutdown` against a daemon of another version.
@Suite("Fault: the state database", .endToEnd, .timeLimit(.minutes(3)))
struct StoreFaultTests {
    /// The one-line refusal a command shows when the daemon cannot start.
    private func refusal(_ outcome: Outcome) -> String {
        outcome.stderr
    }

    @Test func aDamagedDatabaseIsRefusedAndKept() async throws {
        try await Sandbox.run { sandbox async throws in
            try FileManager.default.createDirectory(atPath: sandbox.stateDirectory, withIntermediateDirectories: true)
            let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) })
            try garbage.write(to: URL(fileURLWithPath: sandbox.database))
            let outcome = try await sandbox.gob("list")
            #expect(outcome.status == 125, "\(outcome)")
            #expect(outcome.stderr.hasPrefix(
                "Error: failed to connect to daemon: failed to start daemon: state database \(sandbox.database) is damaged or not a database"),
                "\(outcome)")
            #expect(outcome.stderr.contains("gob never deletes it: move it aside with 'mv \(sandbox.database) \(sandbox.database).old'"))
            #expect(outcome.stderr.split(separator: "\n").count == 1, "one line")
            #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.database)) == garbage, "never changed or deleted")
            // The refused daemon said why and exits right after: wait for that, not a moment.
            #expect(try await eventually(timeout: .seconds(60)) { sandbox.daemons.isEmpty }, "the refused daemon exits")
            // Moved aside as told, the next command starts afresh.
            #expect(rename(sandbox.database, sandbox.database + ".old") == 0)
            #expect(try await sandbox.gob("list").stdout == "No jobs found\n")
        }
    }

    @Test func anotherProgramsDatabaseIsRefused() async throws {
        try await Sandbox.run { sandbox async throws in
            try FileManager.default.createDirectory(atPath: sandbox.stateDirectory, withIntermediateDirectories: true)
            try StateDatabase.makeForeign(sandbox.database)
            let before = try Data(contentsOf: URL(fileURLWithPath: sandbox.database))
            let outcome = try await sandbox.gob("ping")
            #expect(outcome.status == 125, "\(outcome)")
            #expect(outcome.stderr.contains("\(sandbox.database) is not gob's state database"), "\(outcome)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.database)) == before)
        }
    }

    @Test func aNewerGobsDatabaseIsRefused() async throws {
        try await Sandbox.run { sandbox async throws in
            _ = try await sandbox.addJob("true")
            #expect(try await sandbox.gob("shutdown").status == 0)
            try StateDatabase.markNewer(sandbox.database, version: 99)
            let outcome = try await sandbox.gob("list")
            #expect(outcome.status == 125, "\(outcome)")
            #expect(outcome.stderr.contains(
                "state database \(sandbox.database) was written by a newer gob (schema version 99; this gob knows up to"),
                "\(outcome)")
        }
    }

    /// Two runtime directories (two daemons) cannot share one state directory: the second
    /// daemon refuses to start and says why.
    @Test func aSecondDaemonOnTheSameDatabaseIsRefused() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers())
            let first = try sandbox.daemonProcess()
            let otherRuntime = try sandbox.makeDirectory()
            let outcome = try await sandbox.gob(["ping"], environment: ["XDG_RUNTIME_DIR": otherRuntime])
            #expect(outcome.status == 125, "\(outcome)")
            #expect(outcome.stderr.contains(
                "another gob daemon (PID \(first.pid)) uses the state directory \(sandbox.stateDirectory), and only one at a time can"),
                "\(outcome)")
            // The refused daemon said why and exits right after: wait for that, not a moment.
            #expect(try await eventually(timeout: .seconds(60)) { sandbox.daemons.count == 1 }, "the refused daemon exits")
        }
    }

    /// A run recorded as running by a killed daemon, whose PID an unrelated process has
    /// taken since: the next daemon neither adopts that process nor signals it, and
    /// records the run as ended.
    @Test func aReusedPIDInTheStoreIsNeverSignalled() async throws {
        try await Sandbox.run { sandbox async throws in
            let notes = sandbox.workdir + "/signals"
            let script = "trap 'echo TERM >> signals' TERM; trap 'echo WINCH >> signals' WINCH; echo ready >> signals; "
                + "while :; do sleep 300 & wait $!; kill $! 2>/dev/null; done"
            let unrelated = try sandbox.spawn("/bin/sh", ["sh", "-c", script], environment: [sandbox.marker, "PATH=/usr/bin:/bin"])
            func noted() -> String { (try? String(contentsOfFile: notes, encoding: .utf8)) ?? "" }
            try await sandbox.waitUntil("the unrelated process to set its traps") { noted().hasPrefix("ready\n") }
            try FileManager.default.createDirectory(atPath: sandbox.stateDirectory, withIntermediateDirectories: true)
            // Its PID, with a start time that is not its own, on this boot.
            try StateDatabase.plantRunningRun(
                sandbox.database, job: "old", workdir: sandbox.workdir, pid: unrelated.pid, startTime: 1,
                bootID: StateDatabase.currentBootID)
            let job = try #require(try await sandbox.listedJob("old"))
            #expect(job.status == .stopped && job.outcome == .unknown, "\(job)")
            #expect(sandbox.daemonLog.contains("adopted 0 running job(s); 1 run(s) had ended meanwhile"), "\(sandbox.daemonLog)")
            #expect(kill(unrelated.pid, SIGWINCH) == 0)
            try await sandbox.waitUntil("the unrelated process to note the test's WINCH") { noted().contains("WINCH\n") }
            #expect(noted() == "ready\nWINCH\n", "the unrelated process got no TERM")
        }
    }

    /// A full disk under the state directory: the add fails with a clear error, nothing of
    /// it is recorded or left running, the daemon keeps serving, and with room again
    /// everything goes on. A small tmpfs is mounted there (root only).
    @Test func aFullDiskFailsTheRequestAndNothingElse() async throws {
        guard getuid() == 0 else {
            print("skipped: needs root to mount a small tmpfs as the state directory")
            return
        }
        try await Sandbox.run { sandbox async throws in
            guard mount("gob-full", sandbox.stateHome, "tmpfs", 2 | 4, "size=4m,mode=700") == 0 else {
                print("skipped: mounting a tmpfs failed: \(String(cString: strerror(errno)))")
                return
            }
            sandbox.addCleanup { _ = umount2(sandbox.stateHome, 2) }
            let kept = try headerID(try await sandbox.gob("run", "sh", "-c", "echo kept"))
            // Fill the filesystem to the last byte.
            let filler = sandbox.stateHome + "/filler"
            let fd = open(filler, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            #expect(fd >= 0)
            let block = [UInt8](repeating: 0x61, count: 65_536)
            while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
            while block.withUnsafeBytes({ write(fd, $0.baseAddress, 1) }) > 0 {}
            close(fd)

            let refused = try await sandbox.gob("add", "sleep", "300")
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.hasPrefix("Error: failed to add job: cannot write state database \(sandbox.database): no space left on device"),
                    "\(refused)")
            #expect(try await sandbox.listedJobs().map(\.id) == [kept], "nothing of the failed add is listed")
            #expect(!sandbox.processTree.contains { $0.arguments == ["sleep", "300"] }, "nor left running")
            #expect(try await sandbox.daemonAnswers())

            #expect(unlink(filler) == 0)
            let (added, _) = try await sandbox.addJob("sleep", "301")
            #expect(try await sandbox.gob("shutdown").status == 0)
            let jobs = try await sandbox.listedJobs()
            #expect(Set(jobs.map(\.id)) == [kept, added], "the database agrees with what clients were told")
        }
    }

    /// The state directory removed under a running daemon: the next `add` succeeds (the
    /// daemon makes the directory and a database with every job again, and restarts in
    /// place), the running job goes on as the same process, and the new database holds
    /// both jobs (a daemon killed now reads them back). Before: every start failed with
    /// "cannot open log file", and an in-place restart forgot the running job, whose
    /// process no one watched any more.
    @Test func aStateDirectoryRemovedUnderTheDaemonIsMadeAgainWithEveryJob() async throws {
        try await Sandbox.run { sandbox async throws in
            let (kept, pid) = try await sandbox.addJob("sleep", "300")
            try FileManager.default.removeItem(atPath: sandbox.stateHome + "/gob")
            let added = try await sandbox.gob("add", "sh", "-c", "echo after; sleep 301")
            #expect(added.status == 0, "\(added)")
            #expect(sandbox.daemonLog.contains("Made the state database \(sandbox.database) again with 1 job(s)"), "\(sandbox.daemonLog)")
            let listed = try await sandbox.listedJobs()
            #expect(listed.count == 2)
            #expect(listed.first { $0.id == kept }.map { $0.status == .running && $0.pid == pid } == true, "\(listed)")
            #expect(ProcessScan.isLive(pid), "the kept job's process is not left to no one")
            #expect(FileManager.default.fileExists(atPath: sandbox.database))
            // Its logs went with the directory: empty ones stand in, so reading them works.
            let logs = try await sandbox.gob("stdout", kept)
            #expect(logs.status == 0 && logs.stdout.isEmpty, "\(logs)")

            let daemon = try sandbox.daemonProcess()
            #expect(daemon.signal(SIGKILL))
            try await daemon.waitForExit("the daemon to be killed")
            let readBack = try await sandbox.listedJobs()
            #expect(Set(readBack.map(\.id)) == Set(listed.map(\.id)), "the new database holds both jobs")
            #expect(readBack.first { $0.id == kept }?.status == .running, "the kept job is adopted again")
        }
    }

    /// The removal is repaired as soon as the daemon sees it, before any command: a daemon
    /// killed afterwards leaves its successor every job to take back.
    @Test func aStateDirectoryRemovedIsMadeAgainBeforeAnyCommand() async throws {
        try await Sandbox.run { sandbox async throws in
            let (kept, pid) = try await sandbox.addJob("sleep", "300")
            try FileManager.default.removeItem(atPath: sandbox.stateHome + "/gob")
            try await sandbox.waitForDaemonLog("Restarted in place: serving again with 1 running job(s)")
            let daemon = try sandbox.daemonProcess()
            #expect(daemon.signal(SIGKILL))
            try await daemon.waitForExit("the daemon to be killed")
            let listed = try await sandbox.listedJobs()
            #expect(listed.map(\.id) == [kept] && listed.first?.pid == pid && listed.first?.status == .running, "\(listed)")
        }
    }

    /// Only `<state>/logs` removed: made again, and the database keeps its history.
    @Test func aLogsDirectoryRemovedIsMadeAgainAndTheHistoryKept() async throws {
        try await Sandbox.run { sandbox async throws in
            let first = try await sandbox.gob("run", "sh", "-c", "echo one")
            #expect(first.status == 0, "\(first)")
            let again = try await sandbox.gob("run", "sh", "-c", "echo one")
            #expect(again.status == 0, "\(again)")
            let id = try #require(try await sandbox.listedJobs().first?.id)
            try FileManager.default.removeItem(atPath: sandbox.stateHome + "/gob/logs")
            try await sandbox.waitForDaemonLog("Restarted in place: serving again")
            let added = try await sandbox.gob("add", "sleep", "300")
            #expect(added.status == 0, "\(added)")
            let runs = try await sandbox.gob("runs", "--json", id)
            #expect((try JSON(parsing: runs.stdout).arrayValue)?.count == 2, "both runs kept: \(runs)")
            #expect(!sandbox.daemonLog.contains("Made the state database"), "the database was left as it was")
        }
    }

    /// `gob daemon restart` after the state directory was removed keeps every job (before:
    /// "0 jobs kept running", and the job's process was left to no one). The restart may
    /// meet the daemon's own repair under way, which it then waits for and asks again.
    @Test func anInPlaceRestartAfterTheStateDirectoryWasRemovedKeepsEveryJob() async throws {
        try await Sandbox.run { sandbox async throws in
            let (kept, pid) = try await sandbox.addJob("sleep", "300")
            try FileManager.default.removeItem(atPath: sandbox.stateHome + "/gob")
            var restarted = try await sandbox.gob("daemon", "restart")
            if restarted.stderr.contains("another restart is under way") {
                try await sandbox.waitForDaemonLog("Restarted in place: serving again")
                restarted = try await sandbox.gob("daemon", "restart")
            }
            #expect(restarted.status == 0 && restarted.stdout.hasSuffix("1 job kept running\n"), "\(restarted)")
            let listed = try await sandbox.listedJobs()
            #expect(listed.map(\.id) == [kept] && listed.first?.pid == pid && listed.first?.status == .running, "\(listed)")
        }
    }

    /// `gob shutdown` stops a daemon of another version, one that refuses every request
    /// of this gob (a stand-in written in Python, as an older gob's daemon would answer).
    @Test func shutdownStopsADaemonOfAnotherVersion() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
            print("skipped: needs python3 for a stand-in daemon")
            return
        }
        try await Sandbox.run { sandbox async throws in
            try FileManager.default.createDirectory(atPath: sandbox.paths.directory, withIntermediateDirectories: true)
            chmod(sandbox.paths.directory, 0o700)
            let script = """
                import json, os, socket, sys
                s = socket.socket(socket.AF_UNIX)
                s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o600); s.listen(8)
                open(sys.argv[1] + ".ready", "w").close()
                while True:
                    c, _ = s.accept()
                    request = json.loads(c.makefile().readline())
                    if "version" in request:
                        c.sendall(b'{"success":false,"error":"version mismatch","code":"version_mismatch"}\\n')
                    elif request.get("type") == "shutdown":
                        c.sendall(b'{"success":true,"data":{"message":"shutting down"}}\\n')
                        c.close()
                        os.unlink(sys.argv[1])
                        sys.exit(0)
                    c.close()
                """
            let old = try sandbox.spawn(
                "/usr/bin/python3", ["python3", "-c", script, sandbox.paths.socket], environment: [sandbox.marker])
            try await sandbox.waitUntil("the stand-in daemon to listen") {
                FileManager.default.fileExists(atPath: sandbox.paths.socket + ".ready")
            }
            let refused = try await sandbox.gob("list")
            #expect(refused.status == 1 && refused.stderr.contains("version mismatch"), "\(refused)")
            let shutdown = try await sandbox.gob("shutdown")
            #expect(shutdown.status == 0, "\(shutdown)")
            #expect(shutdown.stdout == "Stopped the gob daemon (PID \(old.pid))\n")
            #expect(try await old.finish().status == 0, "the stand-in exited")
        }
    }

    private func headerID(_ outcome: Outcome) throws -> String {
        let line = try #require(outcome.stdout.split(separator: "\n").first, "\(outcome)")
        #expect(line.hasPrefix("Added job "), "\(outcome)")
        return String(line.split(separator: " ").dropFirst(2).first ?? "")
    }
}
