#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GobProtocol
import Synchronization
import Testing

/// `stdout`, `stderr`, `logs` and `events` end to end (contract §2.13–2.16, §5.6, D8, D9).
@Suite("Output and events", .timeLimit(.minutes(1)))
struct OutputAndEventsTests {
    func contents(_ started: Sandbox.Started) -> String {
        (try? String(contentsOfFile: started.stdoutPath, encoding: .utf8)) ?? ""
    }

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
            #expect(try await eventually { contents(follower).contains("start ") })
            let first = contents(follower)
            let restart = try await sandbox.gob("restart", id)
            #expect(restart.status == 0)
            #expect(try await eventually { contents(follower).split(separator: "\n").count == 2 })
            let lines = contents(follower).split(separator: "\n").map(String.init)
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
            #expect(try await eventually {
                ((try? String(contentsOfFile: sandbox.paths.daemonLog, encoding: .utf8)) ?? "").contains("Subscriber added")
            })
            let (id, _) = try await sandbox.addJob("sleep", "300")
            #expect(try await sandbox.gob("restart", id).status == 0)
            #expect(try await sandbox.gob("stop", id).status == 0)
            #expect(try await sandbox.gob("remove", id).status == 0)
            #expect(try await eventually { contents(events).contains("\"type\":\"job_removed\"") })
            let lines = contents(events).split(separator: "\n").map(String.init)
            let kinds = try lines.map { line -> String in
                let json = try JSON(parsing: line)
                #expect(json["job_id"]?.stringValue == id)
                return try #require(json["type"]?.stringValue)
            }
            #expect(kinds == ["job_added", "job_stopped", "job_started", "job_stopped", "job_removed"])
            #expect(lines[0].hasPrefix("{\"type\":\"job_added\",\"job_id\":\"\(id)\",\"job\":{\"id\":\"\(id)\",\"pid\":"))
            #expect(lines[1].contains("\"exit_code\":null,\"signal\":\"SIGTERM\""), "D1 in events")
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
            #expect(try await eventually {
                ((try? String(contentsOfFile: sandbox.paths.daemonLog, encoding: .utf8)) ?? "")
                    .components(separatedBy: "Subscriber added").count == 3
            })
            let (other, _) = try await sandbox.addJob("true", in: elsewhere)
            let (mine, _) = try await sandbox.addJob("true")
            #expect(try await eventually { contents(all).contains("\"job_id\":\"\(mine)\"") && contents(here).contains("\"job_id\":\"\(mine)\"") })
            #expect(contents(all).contains("\"job_id\":\"\(other)\""))
            #expect(!contents(here).contains("\"job_id\":\"\(other)\""))
        }
    }

    @Test func logsFollowsJobsOfTheDirectoryAndPicksUpNewOnes() async throws {
        try await Sandbox.run { sandbox async throws in
            let (old, _) = try await sandbox.addJob("sh", "-c", "echo before")
            _ = try await sandbox.waitUntilStopped(old)
            let logs = try sandbox.start(["logs"])
            #expect(try await eventually { contents(logs).contains("[\(old)] before\n") })
            #expect(contents(logs).contains("[monitor] waiting for jobs...\n"), "a stopped job is not running (D9)")

            let (id, pid) = try await sandbox.addJob("sh", "-c", "echo o1; echo e1 >&2; printf tail")
            #expect(try await eventually { contents(logs).contains("[monitor] all processes stopped\n") })
            let text = contents(logs)
            let command = "sh -c echo o1; echo e1 >&2; printf tail"
            #expect(text.contains("[monitor] process started: \(command) (pid:\(pid) id:\(id))\n"))
            #expect(text.contains("[\(id)] o1\n") && text.contains("[\(id)] e1\n") && text.contains("[\(id)] tail\n"))
            #expect(text.contains("[monitor] process stopped: \(command) (pid:\(pid) id:\(id))\n"))
            kill(logs.pid, SIGTERM)
            _ = try await logs.finish()

            let extra = try await sandbox.gob("logs", "x")
            #expect(extra.status == 1)
            #expect(extra.stderr.hasPrefix("Error: unknown command \"x\" for \"gob logs\"\n"))
        }
    }

    @Test func aSubscriberThatNeverReadsDoesNotSlowOthers() async throws {
        try await Sandbox.run { sandbox async throws in
            _ = try await sandbox.gob("ping")
            let stuck = StuckSubscriber(socket: sandbox.paths.socket)
            defer { stuck.close() }
            #expect(stuck.subscribed)
            let spec = #"{"type":"add","payload":{"command":["true"],"workdir":"/tmp","env":["PATH=/usr/bin:/bin"]}}"#
            let clock = ContinuousClock()
            let socket = sandbox.paths.socket
            let adding = await offThePool {
                clock.measure {
                    for _ in 0..<1000 { _ = RawConnection.exchange(socket: socket, sending: Array((spec + "\n").utf8)) }
                }
            }
            func listAll() async throws -> Duration {
                try await clock.measure {
                    let outcome = try await sandbox.gob("list", "--all", "--json")
                    #expect(outcome.status == 0)
                    #expect(try JSON(parsing: outcome.stdout).arrayValue?.count == 1000)
                }
            }
            let withStuck = try await listAll()
            stuck.close()
            let without = try await listAll()
            #expect(adding < .seconds(60))
            // Relative, so machine load cannot fail it: a daemon that waited on the stuck
            // reader would take seconds (its send timeout), not a few times the baseline.
            #expect(withStuck < without * 3 + .seconds(1), "list took \(withStuck) with a stuck subscriber, \(without) without")
        }
    }
}

/// A client that subscribes and then never reads a byte.
final class StuckSubscriber: @unchecked Sendable {
    // @unchecked: used by one test only.
    private let fd: Int32
    let subscribed: Bool

    init(socket path: String) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        let request = Array(#"{"type":"subscribe"}"#.utf8) + [0x0A]
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        self.fd = fd
        subscribed = connected == 0 && sent == request.count
    }

    private let closed = Mutex(false)

    /// Closes the connection once.
    func close() {
        closed.withLock { done in
            if !done { _ = Glibc.close(fd) }
            done = true
        }
    }
}
