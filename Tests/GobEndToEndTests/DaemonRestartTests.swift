import Glibc
import Foundation
import GobProtocol
import Synchronization
import Testing

/// `gob daemon restart`: the daemon re-executes itself in place, its jobs and
/// its clients carry on.
@Suite("Daemon: in-place restart", .endToEnd, .timeLimit(.minutes(3)))
struct DaemonRestartTests {
    /// Same daemon PID, same job PID, and a job that ends after the restart has its real
    /// exit code (it is still the daemon's child).
    @Test func aRestartKeepsTheDaemonsPIDItsJobsAndTheirExitCodes() async throws {
        try await Sandbox.run { sandbox async throws in
            let id = try await sandbox.addJob(arguments: ["sh", "-c", "while [ ! -e go ]; do sleep 0.05; done; exit 3"])
            let pid = try #require(try await sandbox.listedJob(id)).pid
            let job = try #require(ProcessHandle(pid))
            let daemon = try #require(sandbox.daemonPID)
            let restarted = try await sandbox.gob("daemon", "restart")
            #expect(restarted.status == 0, "\(restarted)")
            #expect(restarted.stdout == "Restarted the gob daemon in place (PID \(daemon)); 1 job kept running\n",
                    "\(restarted)")
            #expect(sandbox.daemonPID == daemon)
            #expect(sandbox.daemonLog.contains("Re-executing in place (PID \(daemon))"))
            let listed = try #require(try await sandbox.listedJob(id))
            #expect(listed.status == .running && listed.pid == pid, "\(listed)")
            #expect(!job.hasExited)
            #expect(FileManager.default.createFile(atPath: sandbox.workdir + "/go", contents: nil))
            let ended = try await sandbox.waitUntilStopped(id)
            #expect(ended.exitCode == 3 && ended.outcome == .failure, "the real exit code: \(ended)")
            #expect(sandbox.daemonZombies().isEmpty)
            // Still one daemon, answering; a second restart in a row works as well.
            #expect(try await sandbox.gob("daemon", "restart").status == 0)
            #expect(sandbox.daemonPID == daemon && sandbox.daemons.count == 1)
        }
    }

    /// The previous image's inotify instances go to the new image, which closes them once
    /// it serves (before its "Start-up work done"): three restarts leave the daemon with
    /// no more than it had. Kept, they would add up, two or more at each restart.
    @Test func aRestartLeavesNoInotifyInstanceBehind() async throws {
        try await Sandbox.run { sandbox async throws in
            _ = try await sandbox.addJob("sleep", "300")
            let daemon = try #require(sandbox.daemonPID)
            func instances() -> Int {
                let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(daemon)/fd")) ?? []
                return fds.filter {
                    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(daemon)/fd/\($0)")) == "anon_inode:inotify"
                }.count
            }
            try await sandbox.waitForDaemonLog("Start-up work done")
            let before = instances()
            #expect(before >= 1, "the daemon watches its logs and directories with inotify")
            for restart in 1...3 {
                #expect(try await sandbox.gob("daemon", "restart").status == 0)
                try await sandbox.waitForDaemonLog("Start-up work done", count: restart + 1)
            }
            #expect(instances() <= before, "\(instances()) inotify instances open, \(before) before the restarts")
            #expect(sandbox.daemonPID == daemon)
        }
    }

    /// A wait for readiness rides through a restart; a run that was ready before it is
    /// ready after it (its rule is kept; its logs are read again).
    @Test func readinessWaitsRideThroughARestart() async throws {
        try await Sandbox.run { sandbox async throws in
            let (early, _) = try await sandbox.addJob("sh", "-c", "echo up; sleep 300")
            #expect(try await sandbox.gob("restart", "--ready-log", "^up$", early).status == 0)
            #expect(try await sandbox.listedJob(early)?.readiness == "ready")
            let waiting = try sandbox.start(
                ["add", "--ready-log", "^ready$", "--", "sh", "-c", "while [ ! -e go ]; do sleep 0.05; done; echo ready; sleep 300"])
            #expect(try await sandbox.waitForSubscribers(1))
            #expect(try await sandbox.gob("daemon", "restart").status == 0)
            #expect(try await sandbox.waitForSubscribers(1), "the wait subscribed again")
            #expect(FileManager.default.createFile(atPath: sandbox.workdir + "/go", contents: nil))
            let outcome = try await waiting.finish()
            #expect(outcome.status == 0 && outcome.stdout.contains("ready after"), "\(outcome)")
            #expect(try await sandbox.listedJob(early)?.readiness == "ready", "the rule and its verdict came back")
        }
    }

    /// What the listing clients saw.
    final class Tally: Sendable {
        let done = Mutex(false)
        let failures = Mutex<[String]>([])
        let lists = Mutex(0)
    }

    /// Commands waiting on events ride through a restart and see the job's real end.
    @Test func attachedCommandsRideThroughARestart() async throws {
        try await Sandbox.run { sandbox async throws in
            let id = try await sandbox.addJob(arguments: ["sh", "-c", "echo started; while [ ! -e go ]; do sleep 0.05; done; echo done; exit 3"])
            try await sandbox.waitUntil("the job to start") { sandbox.stdoutLog(id) == "started\n" }
            let awaiting = try sandbox.start(["await", id])
            let following = try sandbox.start(["stdout", "-f", id])
            let running = try sandbox.start(["run", "sh", "-c", "while [ ! -e go ]; do sleep 0.05; done; exit 4"])
            let events = try sandbox.start(["events"])
            #expect(try await sandbox.waitForSubscribers(4))
            #expect(try await sandbox.gob("daemon", "restart").status == 0)
            #expect(try await sandbox.waitForSubscribers(4), "every attached command subscribed again")
            #expect(FileManager.default.createFile(atPath: sandbox.workdir + "/go", contents: nil))
            let awaited = try await awaiting.finish()
            #expect(awaited.status == 3 && awaited.stdout.contains("Job \(id) exited with code 3"), "\(awaited)")
            let followed = try await following.finish()
            #expect(followed.status == 0 && followed.stdout == "started\ndone\n", "\(followed)")
            let ran = try await running.finish()
            #expect(ran.status == 4, "\(ran)")
            #expect(try await eventually(timeout: .seconds(60)) {
                ((try? String(contentsOfFile: events.stdoutPath, encoding: .utf8)) ?? "").contains("\"job_stopped\",\"job_id\":\"\(id)\"")
            })
            kill(events.pid, SIGKILL)
            _ = try await events.finish()
        }
    }

    /// Ten clients listing throughout three restarts: not one request fails.
    @Test func clientsListingThroughRestartsSeeNoError() async throws {
        try await Sandbox.run { sandbox async throws in
            for n in 1...3 { try await sandbox.addJob("sleep", "30\(n)") }
            let tally = Tally()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        while !tally.done.withLock({ $0 }) {
                            let outcome = try await sandbox.gob("list")
                            tally.lists.withLock { $0 += 1 }
                            if outcome.status != 0 || outcome.stdout.split(separator: "\n").count != 3 {
                                tally.failures.withLock { $0.append("\(outcome)") }
                            }
                        }
                    }
                }
                for _ in 0..<3 {
                    let restarted = try await sandbox.gob("daemon", "restart")
                    #expect(restarted.status == 0, "\(restarted)")
                }
                tally.done.withLock { $0 = true }
                try await group.waitForAll()
            }
            let failures = tally.failures.withLock { $0 }
            #expect(failures.isEmpty, "\(failures)")
            #expect(tally.lists.withLock { $0 } >= 10)
            #expect(sandbox.daemonLog.components(separatedBy: "Re-executing in place").count - 1 == 3)
        }
    }

    @Test func withoutADaemonNothingIsStarted() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob("daemon", "restart")
            #expect(outcome.status == 0 && outcome.stdout == "No daemon running\n", "\(outcome)")
            #expect(sandbox.daemonPID == nil)
            let unknown = try await sandbox.gob("daemon", "reload")
            #expect(unknown.status == 1, "\(unknown)")
            #expect(unknown.stderr.hasPrefix("Error: unknown daemon action reload: expected restart or stop"), "\(unknown)")
        }
    }

    /// `gob daemon stop` is `gob shutdown`.
    @Test func daemonStopShutsDown() async throws {
        try await Sandbox.run { sandbox async throws in
            let (_, pid) = try await sandbox.addJob("sleep", "300")
            let job = try #require(ProcessHandle(pid))
            let daemon = try sandbox.daemonProcess()
            let outcome = try await sandbox.gob("daemon", "stop")
            #expect(outcome.status == 0 && outcome.stdout == "Stopped the gob daemon (PID \(daemon.pid))\n", "\(outcome)")
            try await job.waitForExit("the job to be stopped")
            try await daemon.waitForExit("the daemon to exit")
        }
    }
}
