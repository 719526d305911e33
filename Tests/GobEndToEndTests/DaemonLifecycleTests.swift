import Glibc
import Foundation
import GobProtocol
import Testing

/// Auto-start, crash recovery, permissions, bad requests and shutdown.
@Suite("Daemon lifecycle", .endToEnd, .timeLimit(.minutes(3)))
struct DaemonLifecycleTests {
    @Test func concurrentFirstCommandsStartOneDaemon() async throws {
        try await Sandbox.run { sandbox async throws in
            let runs = try (0..<10).map { _ in try sandbox.start(["ping"]) }
            for run in runs {
                let outcome = try await run.finish()
                #expect(outcome.status == 0, "\(outcome)")
                #expect(outcome.stdout == "pong\n")
            }
            #expect(sandbox.daemons.count == 1, "\(sandbox.daemons.map(\.pid))")
            #expect(sandbox.runtimeFiles.filter { $0.hasSuffix(".pid") } == ["daemon.pid"])
            #expect(sandbox.daemonPID == sandbox.daemons.first?.pid)
        }
    }

    @Test func runtimeDirectoryAndSocketArePrivate() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.gob("ping").status == 0)
            var info = stat()
            #expect(stat(sandbox.paths.directory, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o700)
            #expect(stat(sandbox.paths.socket, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
            #expect(info.st_mode & S_IFMT == S_IFSOCK)
        }
    }

    @Test func looseRuntimeDirectoryIsRefused() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(mkdir(sandbox.paths.directory, 0o775) == 0)
            #expect(chmod(sandbox.paths.directory, 0o775) == 0)
            let outcome = try await sandbox.gob("ping")
            #expect(outcome.status == 125)
            #expect(outcome.stderr.hasPrefix("Error: failed to connect to daemon: "), "\(outcome)")
            #expect(outcome.stderr.contains("chmod 700 \(sandbox.paths.directory)"), "\(outcome)")
            #expect(sandbox.daemons.isEmpty)
        }
    }

    @Test func aRuntimeDirectoryOnlyTheUserCanWriteIsMadePrivate() async throws {
        try await Sandbox.run { sandbox async throws in
            // What `mkdir -p` makes under umask 022.
            #expect(mkdir(sandbox.paths.directory, 0o755) == 0)
            #expect(chmod(sandbox.paths.directory, 0o755) == 0)
            let outcome = try await sandbox.gob("ping")
            #expect(outcome.status == 0, "\(outcome)")
            var info = stat()
            #expect(stat(sandbox.paths.directory, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o700)
            #expect(sandbox.daemonLog.contains("Made runtime directory \(sandbox.paths.directory) private (mode 755 → 700)"))
        }
    }

    @Test func startFailureIsExplained() async throws {
        try await Sandbox.run { sandbox async throws in
            // A directory where the socket should be: the daemon cannot listen.
            #expect(mkdir(sandbox.paths.directory, 0o700) == 0)
            #expect(mkdir(sandbox.paths.socket, 0o700) == 0)
            #expect(mkdir(sandbox.paths.socket + "/x", 0o700) == 0)
            let outcome = try await sandbox.gob("list")
            #expect(outcome.status == 125, "the daemon could not be reached")
            #expect(outcome.stderr.hasPrefix("Error: failed to connect to daemon: failed to start daemon: "), "\(outcome)")
            #expect(!outcome.stderr.hasPrefix("Error: failed to connect to daemon: failed to start daemon: \n"))
        }
    }

    @Test func badRequestsGetErrorsAndTheDaemonKeepsServing() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.gob("ping").status == 0)
            let requests: [(String, [UInt8])] = [
                ("malformed", Array("{\"type\":\n".utf8)),
                ("garbage", Array("garbage\n".utf8)),
                ("unknown type", Array(#"{"type":"x"}"#.utf8) + [0x0A]),
                ("wrong field type", Array(#"{"type":"stop","payload":{"job_id":5}}"#.utf8) + [0x0A]),
                ("wrong command type", Array(#"{"type":"add","payload":{"command":"ls","workdir":"/"}}"#.utf8) + [0x0A]),
                ("over the limit", Array(#"{"type":"ping","payload":{"pad":""#.utf8) + [UInt8](repeating: 0x61, count: RequestLimit.bytes + 1) + Array("\"}}\n".utf8)),
            ]
            for (name, bytes) in requests {
                let reply = await RawConnection.reply(socket: sandbox.paths.socket, sending: bytes)
                let line = reply.prefix { $0 != 0x0A }
                if line.isEmpty, name == "over the limit" { continue }  // refused by closing early
                let response = try #require(Response(json: try JSON(parsing: line)), "\(name): \(String(decoding: reply, as: UTF8.self))")
                #expect(!response.success, "\(name)")
                #expect(!(response.error ?? "").isEmpty, "\(name)")
            }
            let stillThere = try await sandbox.gob("ping")
            #expect(stillThere.stdout == "pong\n")
            #expect(sandbox.daemons.count == 1)
        }
    }

    @Test func nukeReportsAndTheDaemonLeaves() async throws {
        try await Sandbox.run { sandbox async throws in
            let (running, _) = try await sandbox.addJob("sleep", "300")
            let (done, _) = try await sandbox.addJob("true")
            _ = try await sandbox.waitUntilStopped(done)
            _ = running
            let daemon = try sandbox.daemonProcess()
            let outcome = try await sandbox.gob("nuke")
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.stdout == "Stopped 1 running job(s)\nDeleted 4 log file(s)\nCleaned up 2 total job(s)\n")
            try await daemon.waitForExit("the daemon to shut down with no job left")
            try await sandbox.waitUntil("the socket and PID file to be removed") {
                !FileManager.default.fileExists(atPath: sandbox.paths.socket)
                    && !FileManager.default.fileExists(atPath: sandbox.paths.pidFile)
            }
            #expect(try await sandbox.gob("list").stdout == "No jobs found\n", "the next command starts a new daemon")
        }
    }

    @Test func nukeAllAcrossDirectories() async throws {
        try await Sandbox.run { sandbox async throws in
            let other = try sandbox.makeDirectory()
            try await sandbox.addJob("sleep", "300")
            try await sandbox.addJob("sleep", "300", in: other)
            let outcome = try await sandbox.gob("nuke", "--all")
            #expect(outcome.stdout == "Stopped 2 running job(s)\nDeleted 4 log file(s)\nCleaned up 2 total job(s)\n")
            #expect(try await sandbox.listedJobs().isEmpty)
        }
    }

    @Test(.tags(.long)) func daemonRefusesASecondInstance() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.gob("ping").status == 0)
            let outcome = try await sandbox.gob("daemon")
            #expect(outcome.status == 1)
            #expect(outcome.stderr ==
                "Error: failed to cleanup stale socket: daemon already running (socket in use: \(sandbox.paths.socket))\n",
                "one line, no usage: \(outcome)")
        }
    }
}
