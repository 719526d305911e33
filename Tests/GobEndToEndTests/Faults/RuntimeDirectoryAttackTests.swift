import Glibc
import Foundation
import GobProtocol
import Testing

/// Another local user, or a swapped symlink, against the runtime directory: a socket
/// someone else planted never receives a request (with the environment an `add` carries),
/// and a symlink put in place of `<rt>` never makes the daemon write through it.
@Suite("Fault: attacks on the runtime directory", .timeLimit(.minutes(10)))
struct RuntimeDirectoryAttackTests {
    /// A secret in the victim's environment, which `add` sends to the daemon.
    static let secret = "AWS_SECRET_ACCESS_KEY=never-leaves-this-machine"

    @Test func aDirectoryAndSocketPlantedByAnotherUserGetNothing() async throws {
        guard ForeignListener.available else { return }
        try await Sandbox.run { sandbox async throws in
            // <rt>'s parent open to everyone, as /tmp is: the other user makes <rt> first.
            #expect(chmod(sandbox.base, 0o1777) == 0)
            let listener = try await ForeignListener.start(in: sandbox, makingDirectory: true)
            let outcome = try await sandbox.gob(
                ["add", "true"], environment: ["AWS_SECRET_ACCESS_KEY": "never-leaves-this-machine"])
            #expect(outcome.status == 125, "\(outcome)")
            #expect(outcome.stderr.contains("is owned by uid 65534, not by you"), "\(outcome)")
            #expect(outcome.stderr.split(separator: "\n").count == 1, "one line: \(outcome)")
            #expect(listener.received.isEmpty, "the planted socket received: \(listener.received)")
            #expect(sandbox.daemons.isEmpty, "no daemon of ours started in their directory")
        }
    }

    @Test func aSocketOfAnotherUserInOurDirectoryGetsNothing() async throws {
        guard ForeignListener.available else { return }
        try await Sandbox.run { sandbox async throws in
            // Our own private directory, with a socket bound by someone else (who could
            // enter it for a moment): only the peer's credentials can tell.
            #expect(chmod(sandbox.base, 0o1777) == 0)
            #expect(mkdir(sandbox.paths.directory, 0o777) == 0)
            #expect(chmod(sandbox.paths.directory, 0o777) == 0)
            let listener = try await ForeignListener.start(in: sandbox, makingDirectory: false)
            #expect(chmod(sandbox.paths.directory, 0o700) == 0)
            for command in [["add", "true"], ["list"], ["stop", "abc"]] {
                let outcome = try await sandbox.gob(
                    command, environment: ["AWS_SECRET_ACCESS_KEY": "never-leaves-this-machine"])
                #expect(outcome.status == 125, "\(command): \(outcome)")
                #expect(outcome.stderr.contains("served by a process of uid 65534"), "\(command): \(outcome)")
            }
            #expect(listener.received.isEmpty, "the planted socket received: \(listener.received)")
            #expect(sandbox.daemons.isEmpty)
        }
    }

    @Test func aSymlinkSwappedInForTheRuntimeDirectoryIsNeverWrittenThrough() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sleep", "300")
            let daemon = try #require(sandbox.daemonPID)
            // A stand-in for ~/.bashrc, and a directory of links to it named like the
            // daemon's files.
            let bashrc = sandbox.base + "/bashrc"
            try "export PATH=/usr/bin\n".write(toFile: bashrc, atomically: false, encoding: .utf8)
            let planted = sandbox.base + "/planted"
            #expect(mkdir(planted, 0o700) == 0)
            for name in ["daemon.jobs", "daemon.pid", "daemon.log", "daemon.sock", "daemon.lock"] {
                #expect(symlink(bashrc, planted + "/" + name) == 0)
            }
            // The swap, with the daemon held still so it cannot act half-way.
            let moved = sandbox.base + "/moved"
            #expect(try await holdStill(daemon))
            #expect(rename(sandbox.paths.directory, moved) == 0)
            #expect(symlink(planted, sandbox.paths.directory) == 0)
            #expect(kill(daemon, SIGCONT) == 0)
            let log = moved + "/daemon.log"
            #expect(try await eventually(timeout: .seconds(60)) {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                return text.contains("is a symbolic link") || text.contains("Daemon listening again")
            }, "the daemon noticed the swap")
            // Record writes happen at every job change: stop the job through the socket the
            // daemon still listens on.
            let stop = RawConnection.exchange(
                socket: moved + "/daemon.sock", sending: Array((#"{"type":"stop","payload":{"job_id":"\#(id)"}}"# + "\n").utf8))
            #expect(String(decoding: stop, as: UTF8.self).hasPrefix(#"{"success":true"#), "the daemon still serves its jobs")
            #expect(try String(contentsOfFile: bashrc, encoding: .utf8) == "export PATH=/usr/bin\n", "nothing written through the links")
            let refused = try await sandbox.gob("list")
            #expect(refused.status == 125)
            #expect(refused.stderr == "Error: failed to connect to daemon: runtime directory \(sandbox.paths.directory) is a symbolic link; remove it or set XDG_RUNTIME_DIR\n")
            // Once the link is gone, the daemon makes its directory again and is reachable.
            #expect(unlink(sandbox.paths.directory) == 0)
            #expect(try await eventually(timeout: .seconds(60)) { FileManager.default.fileExists(atPath: sandbox.paths.socket) })
            let listed = try await sandbox.gob("list", "--all")
            #expect(listed.status == 0, "\(listed)")
            #expect(listed.stdout.contains("\(id): "), "\(listed)")
            #expect(sandbox.daemonPID == daemon, "the same daemon, keeping its jobs")
            #expect(try String(contentsOfFile: bashrc, encoding: .utf8) == "export PATH=/usr/bin\n")
        }
    }
}

/// A Unix socket listening as uid 65534 (nobody) at `<rt>/daemon.sock`: what another
/// local user could plant. It records every byte it receives and answers like a daemon,
/// so a client that talks to it would go on. Needs root (to act as another user),
/// `setpriv` and python3; the tests that use it skip with a message elsewhere.
final class ForeignListener: @unchecked Sendable {
    // @unchecked: owned by one test; the process is only touched from it.
    private let process: Process
    private let capture: String

    static var available: Bool {
        let ready = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
        if !ready { print("skipped: needs root, /usr/bin/setpriv and /usr/bin/python3 to act as another user") }
        return ready
    }

    private static let script = """
        import os, socket, sys
        rt, capture, ready, make = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
        if make:
            os.mkdir(rt, 0o755)
        s = socket.socket(socket.AF_UNIX)
        s.bind(rt + "/daemon.sock")
        os.chmod(rt + "/daemon.sock", 0o777)
        s.listen(16)
        open(ready, "w").close()
        while True:
            c, _ = s.accept()
            c.settimeout(5)
            data = b""
            try:
                while b"\\n" not in data:
                    part = c.recv(65536)
                    if not part:
                        break
                    data += part
            except OSError:
                pass
            with open(capture, "ab") as f:
                f.write(data)
            try:
                c.sendall(b'{"success":true,"data":{"message":"pong"}}\\n')
            except OSError:
                pass
            c.close()
        """

    private init(process: Process, capture: String) {
        self.process = process
        self.capture = capture
    }

    /// Starts the listener and waits until it listens. `makingDirectory`: it creates
    /// `<rt>` itself (owned by it); otherwise `<rt>` must exist and let it in.
    static func start(in sandbox: Sandbox, makingDirectory: Bool) async throws -> ForeignListener {
        let capture = sandbox.base + "/captured"
        let ready = sandbox.base + "/listening"
        #expect(FileManager.default.createFile(atPath: capture, contents: nil))
        #expect(chmod(capture, 0o666) == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = [
            "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", script,
            sandbox.paths.directory, capture, ready, makingDirectory ? "1" : "0",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        // The sandbox's marker lets its teardown find the listener too.
        process.environment = ["GOB_TEST_SANDBOX": sandbox.base, "PATH": "/usr/bin:/bin"]
        try process.run()
        let listener = ForeignListener(process: process, capture: capture)
        sandbox.addCleanup {
            // SIGKILL: the test process's blocked signals are inherited, SIGTERM among them.
            kill(listener.process.processIdentifier, SIGKILL)
            listener.process.waitUntilExit()
        }
        #expect(try await eventually(timeout: .seconds(60)) { FileManager.default.fileExists(atPath: ready) || !process.isRunning },
                "the listener started")
        try #require(process.isRunning, "the listener is running")
        return listener
    }

    /// Everything the listener received so far.
    var received: String {
        (try? String(contentsOfFile: capture, encoding: .utf8)) ?? ""
    }
}
