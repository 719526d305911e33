import Glibc
import Foundation
import GobProtocol
import Testing

/// Processes a job's leader leaves behind in its group: never orphaned.
@Suite("Leftover processes", .endToEnd, .timeLimit(.minutes(3)))
struct LeftoverProcessTests {
    /// Adds a job whose leader exits at once, leaving `sleep` in its process group.
    func addLeavingSleeper(_ sandbox: Sandbox) async throws -> (id: String, pgid: pid_t) {
        let (id, pid) = try await sandbox.addJob("sh", "-c", "sleep 300 & exit 0")
        _ = try await sandbox.waitUntilStopped(id)
        // The shell forked the sleeper before it exited.
        #expect(ProcessScan.members(ofGroup: pid).count == 1, "the sleeper stays")
        return (id, pid)
    }

    @Test func stopKillsWhatTheLeaderLeft() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pgid) = try await addLeavingSleeper(sandbox)
            let stop = try await sandbox.gob("stop", id)
            #expect(stop.status == 0)
            #expect(ProcessScan.members(ofGroup: pgid).isEmpty, "stop returns once the group is empty")
        }
    }

    @Test func removeKillsWhatTheLeaderLeft() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pgid) = try await addLeavingSleeper(sandbox)
            let sleeper = try #require(ProcessScan.members(ofGroup: pgid).first.flatMap { ProcessHandle($0.pid) })
            #expect(try await sandbox.gob("remove", id).status == 0)
            try await sleeper.waitForExit("the sleeper the leader left to be killed")
            #expect(ProcessScan.members(ofGroup: pgid).isEmpty)
        }
    }

    @Test func startEndsTheOldGenerationFirst() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pgid) = try await addLeavingSleeper(sandbox)
            #expect(try await sandbox.gob("start", id).status == 0)
            #expect(ProcessScan.members(ofGroup: pgid).isEmpty)
        }
    }
}
