import Foundation
import Glibc
import GobTestSupport
import Testing

/// A daemon that answers a quick request after more than its 5 s bound: while it is at
/// work on the reply (its CPU time grows), the client waits; once it is silent and idle,
/// the client says it is not responding. CI lost `gob list --json` of 80 jobs with 1 MB
/// of arguments each to "not responding" while both CPUs were busy with a gigabyte of
/// output.
@Suite("Fault: replies that take longer than a quick request's bound", .endToEnd, .timeLimit(.minutes(3)))
struct SlowReplyTests {
    @Test func aListBuiltForLongerThanTheBoundIsWaitedFor() async throws {
        try await Sandbox.run { sandbox async throws in
            let daemon = try await SlowDaemon.start(in: sandbox, busy: true, seconds: 7)
            let outcome = try await sandbox.gob("list")
            #expect(outcome.status == 0, "\(outcome)")
            #expect(daemon.replies == 1, "the reply came from the slow daemon")
        }
    }

    @Test func anOutputThatPausesWhileTheDaemonWorksIsWaitedFor() async throws {
        try await Sandbox.run { sandbox async throws in
            // The pause falls between the reply line and the output it announces.
            let daemon = try await SlowDaemon.start(in: sandbox, busy: true, seconds: 7)
            let outcome = try await sandbox.gob("list", "--json")
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.stdout == "[]\n", "\(outcome)")
            #expect(daemon.replies == 1, "the reply came from the slow daemon")
        }
    }

    @Test func aDaemonThatIsSilentAndIdleIsNotResponding() async throws {
        try await Sandbox.run { sandbox async throws in
            // It would answer after 120 s; the client's last resort is 40 s.
            let daemon = try await SlowDaemon.start(in: sandbox, busy: false, seconds: 120)
            let outcome = try await sandbox.gob("list")
            #expect(outcome.status == 125, "\(outcome)")
            #expect(outcome.stderr == "Error: daemon (PID \(daemon.pid)) is not responding\n", "\(outcome)")
            #expect(daemon.replies == 0)
        }
    }
}

/// A stand-in daemon in a process of its own (python3), so that its CPU time is its own:
/// it reads each request line, then keeps silent for `seconds`, spinning on a CPU
/// (`busy`) or asleep, before it answers (`list`: before the reply line; `list_json`:
/// between the line and the output). It counts its replies in a file, each before its
/// last bytes are sent: a client that has them all finds it counted.
private final class SlowDaemon: Sendable {
    let pid: Int32
    private let counter: String

    private static let script = """
        import os, socket, sys, time
        rt, ready, counter, busy, seconds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1", float(sys.argv[5])
        os.makedirs(rt, 0o700, exist_ok=True)
        s = socket.socket(socket.AF_UNIX)
        s.bind(rt + "/daemon.sock")
        s.listen(16)
        open(ready, "w").close()
        def silence():
            end = time.monotonic() + seconds
            if not busy:
                time.sleep(seconds)
            while time.monotonic() < end:
                pass
        while True:
            c, _ = s.accept()
            data = b""
            while b"\\n" not in data:
                part = c.recv(65536)
                if not part:
                    break
                data += part
            def count():
                with open(counter, "a") as f:
                    f.write("replied\\n")
            try:
                if b'"list_json"' in data:
                    c.sendall(b'{"success":true,"data":{"output_bytes":3}}\\n')
                    silence()
                    count()
                    c.sendall(b"[]\\n")
                else:
                    silence()
                    count()
                    c.sendall(b'{"success":true,"data":{"jobs":[]}}\\n')
            except OSError:
                pass
            c.close()
        """

    private init(pid: Int32, counter: String) {
        self.pid = pid
        self.counter = counter
    }

    /// How many replies it sent, or is sending, after its silence.
    var replies: Int {
        ((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    static func start(in sandbox: Sandbox, busy: Bool, seconds: Int) async throws -> SlowDaemon {
        let ready = sandbox.base + "/slow-daemon-listening"
        let counter = sandbox.base + "/slow-daemon-replies"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, sandbox.paths.directory, ready, counter, busy ? "1" : "0", String(seconds)]
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        // The sandbox's marker lets its teardown find the stand-in too.
        process.environment = ["GOB_TEST_SANDBOX": sandbox.base, "PATH": "/usr/bin:/bin"]
        try process.run()
        sandbox.addCleanup {
            // SIGKILL: the test process's blocked signals are inherited, SIGTERM among them.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        #expect(try await eventually(timeout: .seconds(60)) { FileManager.default.fileExists(atPath: ready) || !process.isRunning },
                "the stand-in started")
        try #require(process.isRunning, "the stand-in is running")
        return SlowDaemon(pid: process.processIdentifier, counter: counter)
    }
}
