import Glibc
import Foundation
import GobProtocol
import Testing

/// The daemon-backed commands end to end: outputs, errors and exit codes.
@Suite("Job commands", .endToEnd, .timeLimit(.minutes(3)))
struct JobCommandTests {
    @Test func pingStartsTheDaemon() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob("ping")
            #expect(outcome.status == 0)
            #expect(outcome.stdout == "pong\n")
            #expect(outcome.stderr.isEmpty)
            #expect(sandbox.daemons.count == 1)
        }
    }

    @Test func addListStopStartRestartRemove() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sleep", "300")
            #expect(id.count == 3 && id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) })

            let list = try await sandbox.gob("list")
            #expect(list.stdout == "\(id): [\(pid)] running: sleep 300\n")
            let wide = try await sandbox.gob("list", "--workdir")
            #expect(wide.stdout == "\(id): [\(pid)] running (\(sandbox.workdir)): sleep 300\n")

            let running = try await sandbox.gob("remove", id)
            #expect(running.status == 1)
            #expect(running.stderr.hasPrefix("Error: cannot remove running job: \(id) (use 'stop' first)\n"))

            let again = try await sandbox.gob("start", id)
            #expect(again.status == 1)
            #expect(again.stderr.hasPrefix("Error: job \(id) is already running (use 'gob restart' to restart a running job)\n"))

            let stop = try await sandbox.gob("stop", id)
            #expect(stop.status == 0)
            #expect(stop.stdout == "Stopped job \(id) (PID \(pid))\n")
            #expect(!ProcessScan.isLive(pid), "stop returns after the process is gone")
            let stopAgain = try await sandbox.gob("stop", id)
            #expect(stopAgain.status == 0, "stopping a stopped job is not an error")
            #expect(stopAgain.stdout == "Job \(id) is not running\n")
            #expect(try await sandbox.gob("list").stdout == "\(id): [\(pid)] stopped: sleep 300\n")

            let start = try await sandbox.gob("start", id)
            #expect(start.status == 0)
            let started = try #require(try await sandbox.listedJob(id))
            #expect(started.pid != pid && started.status == .running)
            #expect(start.stdout == "Started job \(id) with PID \(started.pid) running: sleep 300\n")

            let restart = try await sandbox.gob("restart", id)
            #expect(restart.status == 0)
            let restarted = try #require(try await sandbox.listedJob(id))
            #expect(restarted.pid != started.pid)
            #expect(restart.stdout == "Restarted job \(id) with new PID \(restarted.pid) running: sleep 300\n")
            #expect(!ProcessScan.isLive(started.pid))

            let force = try await sandbox.gob("stop", "--force", id)
            #expect(force.stdout == "Force stopped job \(id) (PID \(restarted.pid))\n")
            let killed = try await sandbox.waitUntilStopped(id)
            #expect(killed.signal == "SIGKILL" && killed.exitCode == nil && killed.endedAt != nil)

            let remove = try await sandbox.gob("remove", id)
            #expect(remove.stdout == "Removed job \(id) (PID \(restarted.pid))\n")
            #expect(!FileManager.default.fileExists(atPath: sandbox.paths.stdoutLog(id)))
            let removeAgain = try await sandbox.gob("remove", id)
            #expect(removeAgain.status == 1)
            #expect(removeAgain.stderr == "Error: job not found: \(id)\n")
            #expect(try await sandbox.gob("list").stdout == "No jobs found\n")
        }
    }

    @Test("unknown IDs are one line, without the usage", arguments: [
        ["stop", "NoSuchJ"], ["stop", "-f", "NoSuchJ"], ["start", "NoSuchJ"], ["restart", "NoSuchJ"], ["remove", "NoSuchJ"],
        ["signal", "NoSuchJ", "TERM"], ["stdout", "NoSuchJ"], ["stderr", "-f", "NoSuchJ"], ["await", "NoSuchJ"],
    ])
    func unknownID(arguments: [String]) async throws {
        try await Sandbox.run { sandbox async throws in
            CommandLineErrorTests.expectRuntimeError(try await sandbox.gob(arguments), "job not found: NoSuchJ")
        }
    }

    @Test func addParsesOnlyLeadingOptions() async throws {
        try await Sandbox.run { sandbox async throws in
            let plain = try await sandbox.gob("add", "sh", "-c", "echo plain")
            #expect(plain.status == 0, "\(plain)")
            #expect(plain.stdout.hasSuffix(" running: sh -c 'echo plain'\n"))
            let dashed = try await sandbox.gob("add", "--", "ls", "-la")
            #expect(dashed.status == 0, "\(dashed)")
            #expect(dashed.stdout.hasSuffix(" running: ls -la\n"))
            let jobs = try await sandbox.listedJobs()
            #expect(Set(jobs.map(\.command)) == [["sh", "-c", "echo plain"], ["ls", "-la"]])
        }
    }

    @Test func signals() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, pid) = try await sandbox.addJob("sleep", "300")
            for form in ["0", "+0", "cont", "SigCont", "SIGCONT"] {
                let outcome = try await sandbox.gob("signal", id, form)
                #expect(outcome.status == 0)
                #expect(outcome.stdout == "Sent signal \(form) to job \(id) (PID \(pid))\n")
            }
            CommandLineErrorTests.expectRuntimeError(try await sandbox.gob("signal", id, "99"), "invalid signal: 99")
            let term = try await sandbox.gob("signal", id, "term")
            #expect(term.stdout == "Sent signal term to job \(id) (PID \(pid))\n")
            let job = try await sandbox.waitUntilStopped(id)
            #expect(job.signal == "SIGTERM")
            let stopped = try await sandbox.gob("signal", id, "15")
            #expect(stopped.status == 1, "signalling a job that is not running fails")
            #expect(stopped.stderr == "Error: job \(id) is not running (start it with: gob start \(id))\n", "\(stopped)")
        }
    }

    @Test func exitStatusIsRecorded() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sh", "-c", "exit 3")
            let job = try await sandbox.waitUntilStopped(id)
            #expect(job.exitCode == 3 && job.signal == nil && job.endedAt != nil)
        }
    }

    @Test func cleanupRemovesOnlyStoppedJobs() async throws {
        try await Sandbox.run { sandbox async throws in
            let (done, _) = try await sandbox.addJob("true")
            let (running, _) = try await sandbox.addJob("sleep", "300")
            _ = try await sandbox.waitUntilStopped(done)
            let outcome = try await sandbox.gob("cleanup")
            #expect(outcome.stdout == "Cleaned up 1 stopped job(s)\n")
            #expect(try await sandbox.listedJobs().map(\.id) == [running])
            #expect(!sandbox.runtimeFiles.contains("\(done).stdout.log"))
            #expect(try await sandbox.gob("cleanup").stdout == "Cleaned up 0 stopped job(s)\n")
        }
    }

    /// The daemon picks the next new job's ID ahead and makes its `<rt>` links, so an
    /// `add` creates no file there; `add` takes that ID, and the links of an ID never
    /// taken go with the daemon.
    @Test func theNextJobsIDAndLinksAreReadyAhead() async throws {
        try await Sandbox.run { sandbox async throws in
            let (first, _) = try await sandbox.addJob("sleep", "300")
            var next: String?
            try await sandbox.waitUntil("the next job's links") {
                next = sandbox.nextJobID(listed: [first])
                return next != nil
            }
            let (second, _) = try await sandbox.addJob("sleep", "301")
            #expect(second == next, "the ID made ahead is taken")
            let link = sandbox.paths.directory + "/\(second).stdout.log"
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: link)
            #expect(target == sandbox.stateDirectory + "/logs/\(second)-1.stdout.log")
            #expect(FileManager.default.fileExists(atPath: target), "the link reaches the job's log")
            #expect(try await sandbox.gob("shutdown").status == 0)
            #expect(sandbox.strayLogLinks(listed: [first, second]).isEmpty, "\(sandbox.runtimeFiles)")
            #expect(sandbox.nextJobID(listed: [first, second]) == nil, "none left made ahead: \(sandbox.runtimeFiles)")
        }
    }

    @Test func spawnFailureLeavesNothing() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob("add", "nonexistent_command_xyz")
            #expect(outcome.status == 1, "\(outcome)")
            #expect(outcome.stdout.isEmpty)
            #expect(outcome.stderr == "Error: failed to add job: cannot start \"nonexistent_command_xyz\": no such file\n", "one line, no usage: \(outcome)")
            #expect(try await sandbox.gob("list").stdout == "No jobs found\n")
            // Only the links the daemon makes ahead for its next job, to logs not made yet.
            #expect(sandbox.strayLogLinks(listed: []).isEmpty, "\(sandbox.runtimeFiles)")
        }
    }

    @Test func listJSON() async throws {
        try await Sandbox.run { sandbox async throws in
            let empty = try await sandbox.gob("list", "--json")
            #expect(empty.stdout == "[]\n")
            let (first, _) = try await sandbox.addJob("sleep", "300")
            let (second, pid) = try await sandbox.addJob("echo", "<a&b>")
            _ = try await sandbox.waitUntilStopped(second)
            let outcome = try await sandbox.gob("list", "--json", "--workdir")
            #expect(outcome.status == 0)
            #expect(outcome.stdout.hasPrefix("[\n  {\n    \"id\": \"\(second)\",\n    \"pid\": \(pid),\n"))
            #expect(outcome.stdout.contains(#""\u003ca\u0026b\u003e""#))
            let elements = try #require(try JSON(parsing: outcome.stdout).arrayValue)
            #expect(elements.map { $0["id"]?.stringValue } == [second, first])
            guard case let .object(members) = elements[0] else { Issue.record("not an object"); return }
            #expect(members.map(\.0) == ["id", "pid", "status", "command", "workdir", "created_at", "exit_code", "signal", "ended_at", "started_at", "run_time_ms", "description", "stopped_by_gob", "run", "runs", "stats", "estimate", "outcome", "ready_log", "ready_port", "ready_timeout_ms", "readiness", "ready_at", "ready_after_ms", "ready_listener", "ports", "gobfile_name"])
            #expect(elements[0]["workdir"]?.stringValue == sandbox.workdir)
            #expect(elements[0]["exit_code"] == .int(0))
            #expect(elements[1]["status"]?.stringValue == "running")
            #expect(elements[1]["ended_at"] == .null)
        }
    }
}
