import Glibc
import Foundation
import GobProtocol
import Testing

/// `stdout`, `stderr`, `logs` and `events` end to end.
@Suite("Output and events", .endToEnd, .timeLimit(.minutes(3)))
struct OutputAndEventsTests {
    @Test func stdoutAndStderrAreByteExact() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sh", "-c", "printf 'a\\nb'; printf 'x\\n\\ny' >&2")
            _ = try await sandbox.waitUntilStopped(id)
            let out = try await sandbox.gob("stdout", id)
            #expect(out.status == 0 && out.stdout == "a\nb")
            let err = try await sandbox.gob("stderr", id)
            #expect(err.status == 0 && err.stdout == "x\n\ny")

            let unknown = try await sandbox.gob("stdout", "nope")
            #expect(unknown.status == 1)
            #expect(unknown.stderr.hasPrefix("Error: job not found: nope\n"))

            let path = sandbox.paths.stderrLog(id)
            try FileManager.default.removeItem(atPath: path)
            let missing = try await sandbox.gob("stderr", id)
            #expect(missing.stderr.hasPrefix("Error: stderr log file not found: \(path)\n"))
        }
    }

    @Test func stdoutFollowSeesNewOutputAfterARestartWithoutRepeatingOld() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sh", "-c", "echo \"start $(date +%s%N)\"; sleep 300")
            let follower = try sandbox.start(["stdout", "-f", id])
            try await sandbox.waitForOutput(of: follower, "the first run's line") { $0.contains("start ") }
            let first = follower.stdout
            let restart = try await sandbox.gob("restart", id)
            #expect(restart.status == 0)
            try await sandbox.waitForOutput(of: follower, "the second run's line") { $0.split(separator: "\n").count == 2 }
            let lines = follower.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == first.trimmingCharacters(in: .newlines), "old output printed once")
            #expect(lines.count == 2 && lines[1] != lines[0] && lines[1].hasPrefix("start "))
            kill(follower.pid, SIGTERM)
            _ = try await follower.finish()
        }
    }

    @Test func eventsReportEveryKindInOrder() async throws {
        try await Sandbox.run { sandbox async throws in
            _ = try await sandbox.gob("ping")
            let events = try sandbox.start(["events"])
            // The subscription is active once the daemon counts it in its log.
            try await sandbox.waitForDaemonLog("Subscriber added")
            let (id, _) = try await sandbox.addJob("sleep", "300")
            #expect(try await sandbox.gob("restart", id).status == 0)
            #expect(try await sandbox.gob("stop", id).status == 0)
            #expect(try await sandbox.gob("remove", id).status == 0)
            try await sandbox.waitForOutput(of: events, "the job_removed event") { $0.contains("\"type\":\"job_removed\"") }
            let lines = events.stdout.split(separator: "\n").map(String.init)
            let kinds = try lines.map { line -> String in
                let json = try JSON(parsing: line)
                #expect(json["job_id"]?.stringValue == id)
                return try #require(json["type"]?.stringValue)
            }
            #expect(kinds == ["job_added", "job_stopped", "job_started", "job_stopped", "job_removed"])
            #expect(lines[0].hasPrefix("{\"type\":\"job_added\",\"job_id\":\"\(id)\",\"job\":{\"id\":\"\(id)\",\"pid\":"))
            #expect(lines[1].contains("\"exit_code\":null,\"signal\":\"SIGTERM\""), "the ending signal in events")
            #expect(!lines[0].contains(": ") && !lines[0].contains(", "), "compact JSON")

            // The daemon going away ends the stream, in one line and with a status no
            // job's could be.
            if let daemon = sandbox.daemonPID { kill(daemon, SIGTERM) }
            let outcome = try await events.finish()
            #expect(outcome.status == 125)
            #expect(outcome.stderr == "Error: the gob daemon stopped\n")
        }
    }

    @Test func eventsAreScopedToTheDirectoryUnlessAll() async throws {
        try await Sandbox.run { sandbox async throws in
            let elsewhere = try sandbox.makeDirectory()
            _ = try await sandbox.gob("ping")
            let here = try sandbox.start(["events"])
            let all = try sandbox.start(["events", "--all"])
            try await sandbox.waitForDaemonLog("Subscriber added", count: 2)
            let (other, _) = try await sandbox.addJob("true", in: elsewhere)
            let (mine, _) = try await sandbox.addJob("true")
            try await sandbox.waitUntil("both streams to show the job of this directory") {
                all.stdout.contains("\"job_id\":\"\(mine)\"") && here.stdout.contains("\"job_id\":\"\(mine)\"")
            }
            #expect(all.stdout.contains("\"job_id\":\"\(other)\""))
            #expect(!here.stdout.contains("\"job_id\":\"\(other)\""))
        }
    }

    @Test func logsFollowsJobsOfTheDirectoryAndPicksUpNewOnes() async throws {
        try await Sandbox.run { sandbox async throws in
            let (old, _) = try await sandbox.addJob("sh", "-c", "echo before")
            _ = try await sandbox.waitUntilStopped(old)
            let logs = try sandbox.start(["logs"])
            try await sandbox.waitForOutput(of: logs, "the old job's output") { $0.contains("[\(old)] before\n") }
            #expect(logs.stdout.contains("[monitor] waiting for jobs...\n"), "a stopped job is not running")

            let (id, pid) = try await sandbox.addJob("sh", "-c", "echo o1; echo e1 >&2; printf tail")
            try await sandbox.waitForOutput(of: logs, "the monitor's last line") { $0.contains("[monitor] all processes stopped\n") }
            let text = logs.stdout
            let command = "sh -c 'echo o1; echo e1 >&2; printf tail'"
            #expect(text.contains("[monitor] process started: \(command) (pid:\(pid) id:\(id))\n"))
            #expect(text.contains("[\(id)] o1\n") && text.contains("[\(id)] e1\n") && text.contains("[\(id)] tail\n"))
            #expect(text.contains("[monitor] process stopped: \(command) (pid:\(pid) id:\(id))\n"))
            kill(logs.pid, SIGTERM)
            _ = try await logs.finish()

            CommandLineErrorTests.expectRuntimeError(
                try await sandbox.gob("logs", "x"), "\"gob logs\" takes no job ID (follow one job with: gob stdout -f x)")
        }
    }

    @Test(.tags(.long)) func aSubscriberThatNeverReadsDoesNotSlowOthers() async throws {
        try await Sandbox.run { sandbox async throws in
            _ = try await sandbox.gob("ping")
            let subscribe = Array((Request.subscribe(workdir: nil).json.compact + "\n").utf8)
            let stuck = try #require(IdleConnection(socket: sandbox.paths.socket, sending: subscribe))
            defer { stuck.close() }
            try await sandbox.waitForDaemonLog("Subscriber added")
            // 1,000 jobs make 2,000 events, far more than a socket buffer holds: the stuck
            // subscriber's buffer fills and the daemon can send it nothing more.
            // Each command its own, so each add makes a job (a stopped job with the same
            // command would get a new run instead).
            let spec: @Sendable (Int) -> String = { n in
                #"{"type":"add","payload":{"command":["true","\#(n)"],"workdir":"/tmp","env":["PATH=/usr/bin:/bin"]}}"#
            }
            let socket = sandbox.paths.socket
            let added = await offThePool {
                let clock = ContinuousClock()
                let deadline = clock.now + Failsafe.wait
                var added = 0
                // Each add is answered at once unless the daemon waits on the stuck
                // reader (seconds per add): the deadline only proves it does not.
                while added < 1000, clock.now < deadline {
                    let reply = RawConnection.exchange(socket: socket, sending: Array((spec(added) + "\n").utf8))
                    guard (try? JSON(parsing: reply))?["success"] == .bool(true) else { break }
                    added += 1
                }
                return added
            }
            #expect(added == 1000, "every add was answered while a subscriber did not read")
            #expect(stuck.unreadByteCount >= 64 << 10, "the stuck subscriber's buffer filled up")
            let outcome = try await sandbox.gob("list", "--all", "--json")
            #expect(outcome.status == 0)
            #expect(try JSON(parsing: outcome.stdout).arrayValue?.count == 1000)
        }
    }
}
