import Foundation
import Glibc
import GobTestSupport
import Testing

/// The tests' own promise: no daemon outlives its sandbox, wherever it ended up in the
/// tree of processes below the test process.
@Suite("Sandbox teardown", .endToEnd, .timeLimit(.minutes(3)))
struct SandboxTeardownTests {
    /// A helper without the sandbox's marker adopts the daemon: the walk looks through
    /// the helper and the teardown ends the daemon.
    @Test func aDaemonAdoptedByAnUnmarkedHelperIsEnded() async throws {
        var holder: Process?
        var daemon: pid_t?
        try await Sandbox.run { sandbox async throws in
            let process = try await Self.startHolder(in: sandbox, marker: nil)
            holder = process
            let pid = try #require(sandbox.daemonPID)
            #expect(ProcessScan.entry(pid)?.ppid == process.processIdentifier, "the daemon is the holder's child")
            #expect(sandbox.processTree.contains { $0.pid == pid }, "the walk finds it")
            daemon = pid
        }
        Self.end(holder)
        let pid = try #require(daemon)
        #expect(!ProcessScan.isLive(pid), "the teardown ended the daemon")
    }

    /// A process of another sandbox adopts the daemon: the walk leaves that sandbox's
    /// processes alone, and the PID file is what finds the daemon; the teardown ends it
    /// and reports the escape.
    @Test func aDaemonTheWalkMissesIsEndedAndReported() async throws {
        var holder: Process?
        var daemon: pid_t?
        await withKnownIssue("the teardown reports the daemon that escaped its walk") {
            try await Sandbox.run { sandbox async throws in
                let other = try sandbox.makeDirectory()
                let process = try await Self.startHolder(in: sandbox, marker: "GOB_TEST_SANDBOX=\(other)")
                holder = process
                let pid = try #require(sandbox.daemonPID)
                #expect(ProcessScan.entry(pid)?.ppid == process.processIdentifier, "the daemon is the holder's child")
                #expect(!sandbox.processTree.contains { $0.pid == pid }, "the walk misses it")
                daemon = pid
            }
        }
        Self.end(holder)
        let pid = try #require(daemon)
        #expect(!ProcessScan.isLive(pid), "the teardown ended the daemon")
    }

    /// A python3 process that adopts its orphans and starts the sandbox's daemon (`gob
    /// ping` with the sandbox's environment), whose client then ends: the daemon becomes
    /// the holder's child. The holder's own environment carries `marker` (or none).
    private static func startHolder(in sandbox: Sandbox, marker: String?) async throws -> Process {
        let started = sandbox.base + "/holder-started"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import ctypes, subprocess, sys, time
            ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
            env = dict(kv.split("=", 1) for kv in sys.argv[3:])
            subprocess.run([sys.argv[1], "ping"], env=env, stdout=subprocess.DEVNULL)
            open(sys.argv[2], "w").close()
            time.sleep(600)
            """, GobProcess.executable, started] + sandbox.environment(directory: sandbox.workdir)
        var environment = ["PATH": "/usr/bin:/bin"]
        if let marker, let equals = marker.firstIndex(of: "=") {
            environment[String(marker[..<equals])] = String(marker[marker.index(after: equals)...])
        }
        process.environment = environment
        try process.run()
        #expect(try await eventually(timeout: .seconds(60)) { FileManager.default.fileExists(atPath: started) || !process.isRunning })
        try #require(process.isRunning, "the holder is running")
        return process
    }

    /// Ends the holder, which the sandbox's teardown leaves alone (it is not the
    /// sandbox's), and reaps the daemon's zombie it left the test process.
    private static func end(_ holder: Process?) {
        guard let holder else { return }
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        ProcessScan.reapAdoptedZombies()
    }
}
