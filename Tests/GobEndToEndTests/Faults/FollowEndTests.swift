import Glibc
import Foundation
import GobProtocol
import Testing

/// `stdout -f` and `stderr -f` end when the job does, as `docker logs -f` does: what
/// remains is printed and they exit 0; a restart while following goes on with the new
/// run; Ctrl+C exits 0; a log deleted under a running job is reported.
@Suite("Fault: follows that end", .timeLimit(.minutes(10)))
struct FollowEndTests {
    @Test func aFollowEndsOnceTheJobHasEndedAndItsOutputIsPrinted() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sh", "-c", "echo first; sleep 0.5; printf last; echo oops >&2")
            let stdout = try sandbox.start(["stdout", "-f", id])
            let stderr = try sandbox.start(["stderr", "--follow", id])
            // Before: they never returned; a run is killed (and recorded) after 45 s.
            let out = try await stdout.finish()
            #expect(out.status == 0, "\(out)")
            #expect(out.stdout == "first\nlast", "byte for byte, nothing added: \(out)")
            let err = try await stderr.finish()
            #expect(err.status == 0, "\(err)")
            #expect(err.stdout == "oops\n", "\(err)")
        }
    }

    @Test func aFollowOfAnEndedJobPrintsItAllAndReturns() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("seq", "1", "3")
            _ = try await sandbox.waitUntilStopped(id)
            let outcome = try await sandbox.gob("stdout", "-f", id)
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.stdout == "1\n2\n3\n")
            let tail = try await sandbox.gob("stdout", "-f", "--tail", "1", id)
            #expect(tail.stdout == "3\n", "\(tail)")
        }
    }

    @Test func aRestartWhileFollowingGoesOnWithTheNewRun() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sh", "-c", "echo run; sleep 300")
            let follower = try sandbox.start(["stdout", "-f", id])
            #expect(try await eventually(timeout: .seconds(60)) { Self.contents(follower) == "run\n" })
            #expect(try await sandbox.gob("restart", id).status == 0)
            #expect(try await eventually(timeout: .seconds(60)) { Self.contents(follower) == "run\nrun\n" })
            // Well past the grace a stop by gob gets: the new run is still followed.
            try await Task.sleep(for: .seconds(3))
            #expect(ProcessScan.isLive(follower.pid), "still following the new run")
            #expect(try await sandbox.gob("stop", id).status == 0)
            let outcome = try await follower.finish()
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.stdout == "run\nrun\n")
        }
    }

    @Test func ctrlCEndsAFollowWithStatusZero() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sh", "-c", "echo up; sleep 300")
            let follower = try sandbox.start(["stdout", "-f", id])
            #expect(try await eventually(timeout: .seconds(60)) { Self.contents(follower) == "up\n" })
            kill(follower.pid, SIGINT)
            let outcome = try await follower.finish()
            #expect(outcome.status == 0, "\(outcome)")
            #expect(try await sandbox.listedJob(id)?.status == .running, "the job goes on")
        }
    }

    @Test func aLogDeletedUnderAFollowIsReported() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sh", "-c", "while :; do echo tick; sleep 0.05; done")
            let follower = try sandbox.start(["stdout", "-f", id])
            #expect(try await eventually(timeout: .seconds(60)) { Self.contents(follower).contains("tick") })
            try FileManager.default.removeItem(atPath: sandbox.paths.stdoutLog(id))
            let outcome = try await follower.finish()
            #expect(outcome.status == 1, "\(outcome)")
            #expect(outcome.stderr.hasPrefix("Error: the stdout log of job \(id) was deleted while following it ("), "\(outcome)")
        }
    }

    private static func contents(_ started: Sandbox.Started) -> String {
        (try? String(contentsOfFile: started.stdoutPath, encoding: .utf8)) ?? ""
    }
}
