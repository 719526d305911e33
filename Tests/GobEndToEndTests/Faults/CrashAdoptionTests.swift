import Glibc
import Foundation
import GobProtocol
import Testing

/// A daemon killed with jobs running: the next daemon adopts every job whose
/// main process still lives, serves it as any other, and records its end.
@Suite("Fault: crash adoption", .endToEnd, .timeLimit(.minutes(3)))
struct CrashAdoptionTests {
    /// A job that runs until the file `go` appears in its directory, then exits 3.
    static let untilGo = ["sh", "-c", "while [ ! -e go ]; do sleep 0.05; done; exit 3"]

    /// Kills the sandbox's daemon with SIGKILL and waits until it is gone.
    func killDaemon(_ sandbox: Sandbox) async throws {
        let daemon = try sandbox.daemonProcess()
        #expect(daemon.signal(SIGKILL))
        try await daemon.waitForExit("the killed daemon to exit")
    }

    /// The next command lists the job as running, with the same PID; when it ends later,
    /// its run records the end time and the outcome `unknown`.
    @Test func aKilledDaemonsRunningJobIsAdoptedAndItsEndRecorded() async throws {
        try await Sandbox.run { sandbox async throws in
            let id = try await sandbox.addJob(arguments: Self.untilGo)
            let pid = try #require(try await sandbox.listedJob(id)).pid
            let job = try #require(ProcessHandle(pid))
            let oldDaemon = sandbox.daemonPID
            try await killDaemon(sandbox)
            let listed = try await sandbox.gob("list")
            #expect(listed.status == 0, "\(listed)")
            #expect(listed.stdout.hasPrefix("\(id): [\(pid)] running: "), "\(listed)")
            #expect(sandbox.daemonPID != oldDaemon)
            #expect(!job.hasExited, "nothing was killed because the daemon died")
            #expect(sandbox.daemonLog.contains("Previous daemon ended uncleanly: adopted 1 running job(s)"), "\(sandbox.daemonLog)")
            #expect(FileManager.default.createFile(atPath: sandbox.workdir + "/go", contents: nil))
            try await job.waitForExit("the adopted job to end")
            let ended = try await sandbox.waitUntilStopped(id)
            #expect(ended.outcome == .unknown && ended.exitCode == nil && ended.endedAt != nil, "\(ended)")
            #expect(!ended.stoppedByGob && ended.run == "\(id)-1")
            let runs = try await sandbox.gob("runs", id)
            #expect(runs.stdout.hasPrefix("\(id)-1") && runs.stdout.contains("? unknown"), "\(runs)")
            // The next run is the new daemon's child again: its exit code is known.
            #expect(try await sandbox.gob("start", id).status == 0)
            let second = try await sandbox.waitUntilStopped(id)
            #expect(second.exitCode == 3 && second.outcome == .failure && second.run == "\(id)-2", "\(second)")
        }
    }

    /// `stop` of an adopted job ends its whole process group and records the run.
    @Test func stopEndsAnAdoptedJobsWholeGroup() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sh", "-c", "sleep 300 & echo forked; sleep 300")
            try await sandbox.waitUntil("the job to fork") { sandbox.stdoutLog(id) == "forked\n" }
            try await killDaemon(sandbox)
            let members = ProcessScan.members(ofGroup: pid).compactMap { ProcessHandle($0.pid) }
            #expect(members.count >= 3, "the leader and its two sleeps")
            let adopted = try #require(try await sandbox.listedJob(id))
            #expect(adopted.status == .running && adopted.pid == pid, "\(adopted)")
            let ps = try await sandbox.gob("ps", id)
            #expect(ps.status == 0 && ps.stdout.components(separatedBy: "sleep 300").count - 1 >= 2, "\(ps)")
            let stopped = try await sandbox.gob("stop", id)
            #expect(stopped.status == 0, "\(stopped)")
            for member in members { try await member.waitForExit("group member \(member.pid) to be ended by stop") }
            #expect(ProcessScan.members(ofGroup: pid).isEmpty)
            let job = try #require(try await sandbox.listedJob(id))
            #expect(job.status == .stopped && job.outcome == .unknown && job.stoppedByGob && job.endedAt != nil, "\(job)")
            #expect(try await sandbox.gob("stdout", id).stdout == "forked\n", "the run's output is kept")
        }
    }

    /// `signal` reaches an adopted job's process.
    @Test func signalReachesAnAdoptedJob() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sh", "-c", "trap 'echo got USR1; exit 0' USR1; echo ready; while :; do sleep 0.05; done")
            try await sandbox.waitUntil("the job to set its trap") { sandbox.stdoutLog(id) == "ready\n" }
            try await killDaemon(sandbox)
            let signalled = try await sandbox.gob("signal", id, "USR1")
            #expect(signalled.status == 0, "\(signalled)")
            let job = try await sandbox.waitUntilStopped(id)
            #expect(job.pid == pid && job.outcome == .unknown, "\(job)")
            #expect(sandbox.stdoutLog(id) == "ready\ngot USR1\n")
        }
    }

    /// Twenty daemons killed in a row: every next command succeeds, and the job is
    /// adopted each time (same PID, still running).
    @Test func twentyKillsInARowKeepTheJobAdopted() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sleep", "300")
            let job = try #require(ProcessHandle(pid))
            for round in 1...20 {
                try await killDaemon(sandbox)
                let listed = try await sandbox.gob("list")
                #expect(listed.status == 0, "round \(round): \(listed)")
                #expect(listed.stdout == "\(id): [\(pid)] running: sleep 300\n", "round \(round): \(listed)")
            }
            #expect(!job.hasExited)
            #expect(try await sandbox.gob("stop", id).status == 0)
            try await job.waitForExit("the job to be stopped")
            #expect(try await sandbox.listedJob(id)?.outcome == .unknown)
        }
    }
}
