#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GobProtocol
import Testing

/// What jobs look like from the operating system (contract §4.6, §4.7, D3, D4).
@Suite("Job processes", .timeLimit(.minutes(1)))
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
            // kill(pid, 0) succeeds on a zombie; it must fail once the job has ended.
            #expect(try await eventually(timeout: .seconds(2)) { kill(pid, 0) != 0 })
            #expect(ProcessScan.entry(pid) == nil)
            let job = try await sandbox.waitUntilStopped(id)
            #expect(job.exitCode == 0)
        }
    }

    @Test func stopEscalatesToSIGKILL() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sh", "-c", "trap '' TERM; sleep 300; true")
            // The trap is in place once the shell has started its child.
            #expect(try await eventually { ProcessScan.members(ofGroup: pid).count >= 2 })
            let clock = ContinuousClock()
            let began = clock.now
            let outcome = try await sandbox.gob("stop", id)
            let took = clock.now - began
            #expect(outcome.stdout == "Stopped job \(id) (PID \(pid)) with SIGKILL: it did not stop on SIGTERM\n", "\(outcome)")
            #expect(took >= .seconds(9), "SIGTERM is ignored for 10 s before SIGKILL")
            #expect(took < .seconds(30))
            #expect(ProcessScan.members(ofGroup: pid).isEmpty)
            #expect(try await sandbox.listedJob(id)?.signal == "SIGKILL")
        }
    }

    @Test func stopKillsTheWholeGroup() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sh", "-c", "sleep 300 & sleep 300; true")
            #expect(try await eventually {
                ProcessScan.members(ofGroup: pid).filter { $0.arguments.first == "sleep" }.count == 2
            })
            let outcome = try await sandbox.gob("stop", id)
            #expect(outcome.status == 0)
            #expect(try await eventually(timeout: .seconds(1)) { ProcessScan.members(ofGroup: pid).isEmpty })
        }
    }

    @Test func stopKillsLeftoversOfADeadLeader() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sh", "-c", "sleep 300 & exit 0")
            _ = try await sandbox.waitUntilStopped(id)
            #expect(try await eventually { ProcessScan.members(ofGroup: pid).contains { $0.arguments.first == "sleep" } })
            let outcome = try await sandbox.gob("stop", id)
            #expect(outcome.status == 0, "\(outcome)")
            #expect(try await eventually(timeout: .seconds(1)) { ProcessScan.members(ofGroup: pid).isEmpty })
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
