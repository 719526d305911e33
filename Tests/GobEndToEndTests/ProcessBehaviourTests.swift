import Glibc
import Foundation
import GobProtocol
import Testing

/// What jobs look like from the operating system.
@Suite("Job processes", .endToEnd, .timeLimit(.minutes(3)))
struct ProcessBehaviourTests {
    @Test func jobsOutliveTheCommandLine() async throws {
        try await Sandbox.run { sandbox async throws in
            let (_, pid) = try await sandbox.addJob("sleep", "300")
            #expect(ProcessScan.isLive(pid))
            let entry = try #require(ProcessScan.entry(pid))
            #expect(entry.pgid == pid, "a job leads its own process group")
        }
    }

    @Test func finishedJobLeavesNoZombie() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("true")
            // Gone already (reaped), or pinned now and reaped soon by the daemon.
            if let job = ProcessHandle(pid) {
                #expect(await job.reaped(), "the daemon reaps its job: no zombie stays")
            }
            #expect(ProcessScan.entry(pid) == nil)
            let job = try await sandbox.waitUntilStopped(id)
            #expect(job.exitCode == 0)
        }
    }

    @Test(.tags(.long)) func stopEscalatesToSIGKILL() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sh", "-c", "trap '' TERM; echo trapped; sleep 300; true")
            try await sandbox.waitUntil("the job to set its trap") { sandbox.stdoutLog(id) == "trapped\n" }
            let clock = ContinuousClock()
            let began = clock.now
            let outcome = try await sandbox.gob("stop", id)
            let took = clock.now - began
            #expect(outcome.stdout == "Stopped job \(id) (PID \(pid)) with SIGKILL: it did not stop on SIGTERM\n", "\(outcome)")
            // At least the grace period; the upper bound only proves it does not hang.
            #expect(took >= .seconds(9), "SIGTERM is ignored for 10 s before SIGKILL")
            #expect(took < Failsafe.wait)
            #expect(ProcessScan.members(ofGroup: pid).isEmpty)
            #expect(try await sandbox.listedJob(id)?.signal == "SIGKILL")
        }
    }

    @Test func stopKillsTheWholeGroup() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sh", "-c", "sleep 300 & echo forked; sleep 300; true")
            try await sandbox.waitUntil("the job to fork its sleeper") { sandbox.stdoutLog(id) == "forked\n" }
            let members = ProcessScan.members(ofGroup: pid).compactMap { ProcessHandle($0.pid) }
            #expect(members.count >= 2, "the shell and its background child")
            let outcome = try await sandbox.gob("stop", id)
            #expect(outcome.status == 0)
            for member in members { try await member.waitForExit("group member \(member.pid) to be killed") }
            #expect(ProcessScan.members(ofGroup: pid).isEmpty)
        }
    }

    @Test func stopKillsLeftoversOfADeadLeader() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sh", "-c", "sleep 300 & exit 0")
            _ = try await sandbox.waitUntilStopped(id)
            // The shell forked the sleeper before it exited.
            let leftovers = ProcessScan.members(ofGroup: pid).compactMap { ProcessHandle($0.pid) }
            #expect(leftovers.count == 1)
            let outcome = try await sandbox.gob("stop", id)
            #expect(outcome.status == 0, "\(outcome)")
            for leftover in leftovers { try await leftover.waitForExit("the dead leader's leftover to be killed") }
            #expect(ProcessScan.members(ofGroup: pid).isEmpty)
        }
    }

    @Test func jobsGetTheClientsEnvironment() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.gob("ping", environment: ["FOO": "first"]).status == 0)
            let (id, _) = try await sandbox.addJob("sh", "-c", "echo FOO=$FOO", environment: ["FOO": "second"])
            _ = try await sandbox.waitUntilStopped(id)
            #expect(sandbox.stdoutLog(id) == "FOO=second\n")
            #expect(try await sandbox.gob("start", id, environment: ["FOO": "third"]).status == 0)
            _ = try await sandbox.waitUntilStopped(id)
            #expect(sandbox.stdoutLog(id) == "FOO=third\n")
        }
    }

    @Test func jobsHaveOnlyTheStandardDescriptors() async throws {
        try await Sandbox.run { sandbox async throws in
            // `; true` keeps the shell from exec'ing ls, so $$ is the shell itself.
            let (id, _) = try await sandbox.addJob("sh", "-c", "ls /proc/$$/fd; true")
            _ = try await sandbox.waitUntilStopped(id)
            #expect(sandbox.stdoutLog(id) == "0\n1\n2\n")
        }
    }

    @Test func jobsRunInTheirDirectory() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("pwd")
            _ = try await sandbox.waitUntilStopped(id)
            #expect(sandbox.stdoutLog(id) == sandbox.workdir + "\n")
        }
    }
}
