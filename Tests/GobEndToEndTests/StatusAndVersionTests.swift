import Glibc
import Foundation
import GobProtocol
import Testing

/// `gob status` and the version handshake: health without starting a daemon,
/// and a daemon of another version refusing clearly.
@Suite("Status and version handshake", .endToEnd, .timeLimit(.minutes(3)))
struct StatusAndVersionTests {
    @Test func statusWithoutADaemonSaysSoAndStartsNone() async throws {
        try await Sandbox.run { sandbox async throws in
            let text = try await sandbox.gob("status")
            #expect(text.status == 0)
            #expect(text.stdout == "No daemon running (runtime directory \(sandbox.paths.directory))\n")
            #expect(text.stderr.isEmpty)
            let json = try await sandbox.gob("status", "--json")
            #expect(json.status == 0)
            #expect(try JSON(parsing: json.stdout) == .object([("running", .bool(false)), ("runtime_dir", .string(sandbox.paths.directory))]))
            #expect(sandbox.daemons.isEmpty)
            #expect(!sandbox.runtimeDirectoryExists, "status creates nothing")
        }
    }

    @Test func statusOfARunningDaemon() async throws {
        try await Sandbox.run { sandbox async throws in
            let (running, _) = try await sandbox.addJob("sleep", "300")
            let (done, _) = try await sandbox.addJob("true")
            _ = try await sandbox.waitUntilStopped(done)
            let pid = try #require(sandbox.daemonPID)
            let text = try await sandbox.gob("status")
            #expect(text.status == 0, "\(text)")
            let lines = text.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 8, "\(text)")
            #expect(lines[0] == "Daemon running, PID \(pid)")
            #expect(lines[1] == "Version: \(GobVersion.current) (protocol \(GobVersion.handshake))")
            #expect(lines[2].hasPrefix("Uptime: ") && lines[2].contains(" (since "))
            #expect(lines[3] == "Runtime directory: \(sandbox.paths.directory)")
            #expect(lines[4] == "State directory: \(sandbox.stateDirectory)")
            #expect(lines[5] == "Jobs: 1 running, 1 stopped")
            #expect(lines[6] == "Subscribers: 0")
            #expect(lines[7].hasPrefix("Memory: ") && lines[7].hasSuffix(" resident"))

            let json = try JSON(parsing: try await sandbox.gob("status", "--json").stdout)
            guard case let .object(members) = json else { Issue.record("not an object"); return }
            #expect(members.map(\.0) == ["running", "compatible", "pid", "version", "protocol", "started_at", "uptime_seconds",
                                         "runtime_dir", "state_dir", "jobs_running", "jobs_stopped", "subscribers",
                                         "rss_bytes", "port_lookups_pending"])
            #expect(json["running"] == .bool(true) && json["compatible"] == .bool(true))
            #expect(json["pid"] == .int(Int64(pid)))
            #expect(json["jobs_running"] == .int(1) && json["jobs_stopped"] == .int(1))
            #expect((json["rss_bytes"]?.intValue ?? 0) > 0)
            _ = running
        }
    }

    @Test func daemonRefusesAnotherVersionButStillAnswersStatus() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.gob("ping").status == 0)
            let pid = try #require(sandbox.daemonPID)
            let refused = await RawConnection.reply(
                socket: sandbox.paths.socket, sending: Array(#"{"type":"list","version":"0.9.0/1"}"#.utf8) + [0x0A])
            let reply = try JSON(parsing: refused)
            #expect(reply["success"] == .bool(false))
            #expect(reply["code"] == .string("version_mismatch"))
            let error = try #require(reply["error"]?.stringValue)
            #expect(error.hasPrefix("version mismatch: the running gob daemon (PID \(pid)) is \(GobVersion.handshake) but this gob is 0.9.0/1"), "\(error)")
            #expect(error.contains("'kill \(pid)'"), "says how to restart it")

            let status = await RawConnection.reply(
                socket: sandbox.paths.socket, sending: Array(#"{"type":"status","version":"0.9.0/1"}"#.utf8) + [0x0A])
            #expect(try JSON(parsing: status)["success"] == .bool(true), "status answers any version")
            #expect(try await sandbox.gob("status").stdout.hasPrefix("Daemon running, PID \(pid)\n"))
        }
    }

    @Test func clientShowsTheDaemonsMismatchErrorAsItIs() async throws {
        try await Sandbox.run { sandbox async throws in
            let message = "version mismatch: the running gob daemon (PID 4242) is 0.9.0/1 but this gob is \(GobVersion.handshake); restart it"
            #expect(mkdir(sandbox.paths.directory, 0o700) == 0)
            let fake = try FakeDaemon(socket: sandbox.paths.socket) { request in
                guard request.contains(#""type":"status""#) else {
                    return JSON.object([
                        ("success", .bool(false)), ("error", .string(message)), ("code", .string("version_mismatch")),
                    ]).compact
                }
                return #"{"success":true,"data":{"pid":4242,"protocol":"0.9.0/1","version":"0.9.0","jobs_running":0,"jobs_stopped":0}}"#
            }
            defer { fake.stop() }
            for arguments in [["list"], ["add", "true"], ["stop", "V3x0QqI"], ["await", "V3x0QqI"], ["run", "true"], ["logs"]] {
                let outcome = try await sandbox.gob(arguments)
                #expect(outcome.status == 1, "\(arguments): \(outcome)")
                #expect(outcome.stderr.hasPrefix("Error: \(message)\n"), "no prefix buries it: \(arguments): \(outcome)")
            }
            let status = try await sandbox.gob("status")
            #expect(status.status == 0)
            #expect(status.stdout.hasPrefix("Daemon running, PID 4242\nVersion: 0.9.0 (protocol 0.9.0/1)\n"), "\(status)")
            #expect(status.stdout.contains("Warning: this gob is \(GobVersion.handshake) but the daemon is 0.9.0/1;"))
            #expect(status.stdout.contains("'kill 4242'"))
            let json = try JSON(parsing: try await sandbox.gob("status", "--json").stdout)
            #expect(json["compatible"] == .bool(false))
        }
    }
}
