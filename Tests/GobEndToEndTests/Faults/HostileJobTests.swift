import Glibc
import Foundation
import GobProtocol
import Testing

/// Jobs that misbehave, and resource faults around them.
@Suite("Fault: hostile jobs and resource faults", .endToEnd, .timeLimit(.minutes(3)))
struct HostileJobTests {
    @Test func awkwardArgumentsSurviveExactly() async throws {
        try await Sandbox.run { sandbox async throws in
            let long = String(repeating: "x", count: 100_000)
            let arguments = ["a b", "q'\"`$HOME", "new\nline", "日本語 ünï", "", long]
            let id = try await sandbox.addJob(arguments: ["printf", "%s|"] + arguments)
            let job = try await sandbox.waitUntilStopped(id)
            #expect(job.command == (["printf", "%s|"] + arguments).map { OSString($0) })
            #expect(try await sandbox.gob("stdout", id).stdout == arguments.map { $0 + "|" }.joined())
        }
    }

    @Test func invalidUTF8AndEscapeSequencesPassThroughUnharmed() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("printf", "\\377\\376 \\033[31mred\\033[0m \\033]0;title\\007\\n")
            _ = try await sandbox.waitUntilStopped(id)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: sandbox.paths.stdoutLog(id)))
            #expect(Array(bytes.prefix(2)) == [0xFF, 0xFE])
            let shown = try await sandbox.gob("stdout", id)
            #expect(shown.status == 0)
            let listed = try await sandbox.gob("list")
            #expect(listed.status == 0)
            let following = try sandbox.start(["start", "-f", id])
            #expect(try await following.finish().status == 0)
            let followed = try Data(contentsOf: URL(fileURLWithPath: following.stdoutPath))
            #expect(followed.starts(with: Array("Started job \(id)".utf8)))
            #expect(followed.firstRange(of: Data([0xFF, 0xFE])) != nil, "bytes are passed through as they are")
            #expect(followed.firstRange(of: Data("\nJob \(id) completed: exit code 0 after ".utf8)) != nil)
        }
    }

    @Test func aJobThatClosesItsOutputOrExitsAtOnce() async throws {
        try await Sandbox.run { sandbox async throws in
            let (closing, _) = try await sandbox.addJob("sh", "-c", "exec >&- 2>&-; sleep 0.1; exit 4")
            #expect(try await sandbox.waitUntilStopped(closing).exitCode == 4)
            for n in 0..<20 { try await sandbox.addJob("true", "\(n)") }
            try await sandbox.waitForJobs("all 21 jobs to stop") { jobs in
                jobs.count == 21 && jobs.allSatisfy { $0.status == .stopped }
            }
            #expect(sandbox.daemonZombies().isEmpty)
        }
    }

    @Test func aProcessThatLeavesTheGroupIsStoppedWithTheJobAndReaped() async throws {
        try await Sandbox.run { sandbox async throws in
            // setsid(1) in the background: the sleeper gets its own session and group, and
            // says its PID once it has them.
            let (id, pgid) = try await sandbox.addJob(
                "sh", "-c", "setsid sh -c 'echo $$ > escapee; exec sleep 300' & exec sleep 300")
            let note = sandbox.workdir + "/escapee"
            var escapee: pid_t?
            try await sandbox.waitUntil("the escapee to say its PID") {
                let text = (try? String(contentsOfFile: note, encoding: .utf8)) ?? ""
                escapee = text.hasSuffix("\n") ? pid_t(text.dropLast()) : nil
                return escapee != nil
            }
            let escaped = try #require(escapee.flatMap { ProcessHandle($0) })
            #expect(ProcessScan.entry(escaped.pid).map { $0.pgid != pgid && $0.sid == escaped.pid } == true, "its own session")
            // It is still in the job's tree: stop ends it too, and returns once it has.
            #expect(try await sandbox.gob("stop", id).status == 0)
            #expect(escaped.hasExited, "stop ends what left the group")
            // The daemon is its subreaper: no zombie remains.
            #expect(await escaped.reaped(), "the daemon reaps the escapee")
            #expect(ProcessScan.entry(escaped.pid) == nil)
        }
    }

    @Test func aDeletedLogFileOrWorkdirGivesClearErrors() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sh", "-c", "while true; do echo x; sleep 0.05; done")
            try FileManager.default.removeItem(atPath: sandbox.paths.stdoutLog(id))
            let missing = try await sandbox.gob("stdout", id)
            #expect(missing.stderr.hasPrefix("Error: stdout log file not found: \(sandbox.paths.stdoutLog(id))\n"))
            #expect(try await sandbox.gob("restart", id).status == 0)
            try await sandbox.waitUntil("the restart to make the log again") {
                FileManager.default.fileExists(atPath: sandbox.paths.stdoutLog(id))
            }

            let doomed = try sandbox.makeDirectory()
            let (job, _) = try await sandbox.addJob("true", in: doomed)
            _ = try await sandbox.waitUntilStopped(job)
            try FileManager.default.removeItem(atPath: doomed)
            let start = try await sandbox.gob("start", job)
            #expect(start.status == 1)
            #expect(start.stderr.hasPrefix("Error: working directory \(doomed) does not exist\n"))
            #expect(try await sandbox.listedJob(job)?.status == .stopped)
        }
    }

    @Test func execFailuresLeaveNoJobAndNoFiles() async throws {
        try await Sandbox.run { sandbox async throws in
            let script = sandbox.workdir + "/notexec"
            try "echo hi\n".write(toFile: script, atomically: true, encoding: .utf8)
            let refused = try await sandbox.gob("add", "./notexec")
            #expect(refused.status == 1)
            #expect(refused.stderr == "Error: failed to add job: cannot start \"./notexec\": permission denied\n", "\(refused)")
            let directory = try await sandbox.gob("add", "/tmp")
            #expect(directory.status == 1)
            #expect(try await sandbox.listedJobs().isEmpty)
            #expect(sandbox.strayLogLinks(listed: []).isEmpty, "\(sandbox.runtimeFiles)")
        }
    }
}
