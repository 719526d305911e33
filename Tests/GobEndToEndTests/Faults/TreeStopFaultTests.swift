import Glibc
import CGobShims
import Foundation
import GobProtocol
import Testing

/// A stop that cannot end everything says so: a process of the job's tree that belongs
/// to another user survives, and `stop`, `restart` and `nuke` name it and fail.
///
/// Root can signal anything, so the daemon and its clients run as uid 65534 (nobody),
/// and the job starts a set-user-ID copy of python3 that makes itself root and leaves
/// the job's process group. The test skips with a message where that cannot be done.
@Suite("Fault: a tree with another user's process", .timeLimit(.minutes(10)))
struct TreeStopFaultTests {
    static let nobody = Sandbox.nobody
    static let python = "/usr/bin/python3"

    static var canRun: Bool {
        getuid() == 0 && GobProcess.othersCanRun && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
            && FileManager.default.isExecutableFile(atPath: python)
    }

    /// What the set-user-ID python runs: become root for good, leave the job's group and
    /// session, say its PID, wait.
    static let becomeRoot = """
        import os, sys, time
        os.setresgid(0, 0, 0)
        os.setresuid(0, 0, 0)
        os.setsid()
        with open(sys.argv[1] + ".tmp", "w") as f: f.write("%d\\n" % os.getpid())
        os.rename(sys.argv[1] + ".tmp", sys.argv[1])
        time.sleep(300)
        """

    @Test func stopRestartAndNukeNameTheSurvivorAndFail() async throws {
        guard Self.canRun else {
            print("skipped: needs root, setpriv, /usr/bin/python3 and a gob that another user can run (no private directory on its path) to put another user's process in a job's tree")
            return
        }
        try await Sandbox.run { sandbox async throws in
            for path in [sandbox.base, sandbox.workdir, sandbox.stateHome, sandbox.configHome] {
                #expect(chown(path, Self.nobody, Self.nobody) == 0)
            }
            // A set-user-ID root copy of python3 that nobody may run.
            let real = try FileManager.default.destinationOfSymbolicLink(atPath: Self.python)
            let suid = sandbox.base + "/suid-python"
            try FileManager.default.copyItem(atPath: real.hasPrefix("/") ? real : "/usr/bin/" + real, toPath: suid)
            #expect(chown(suid, 0, 0) == 0)
            #expect(chmod(suid, 0o4755) == 0)
            let script = sandbox.workdir + "/become-root.py"
            try Self.becomeRoot.write(toFile: script, atomically: true, encoding: .utf8)

            let added = try await sandbox.gobAsNobody(["add", "--", "sh", "-c", "\(suid) \(script) rooted & exec sleep 300"])
            #expect(added.status == 0, "\(added)")
            let id = String(added.stdout.dropFirst("Added job ".count).prefix { $0 != " " })
            var rooted: pid_t = 0
            try await sandbox.waitUntil("the set-user-ID process to say its PID") {
                let text = (try? String(contentsOfFile: sandbox.workdir + "/rooted", encoding: .utf8)) ?? ""
                rooted = pid_t(text.dropLast()) ?? 0
                return rooted > 0
            }
            let survivor = try #require(ProcessHandle(rooted))
            sandbox.addCleanup { survivor.signal(SIGKILL) }
            #expect(ProcessScan.entry(rooted).map { $0.sid == rooted } == true, "it left the job's session")

            // Found through its parent (its environment is not nobody's to read).
            let ps = try await sandbox.gobAsNobody(["ps", "--json", id])
            let listed = (try JSON(parsing: ps.stdout)["processes"]?.arrayValue ?? []).compactMap(JobProcess.init(json:))
            #expect(listed.contains { $0.pid == rooted }, "\(ps)")

            let stop = try await sandbox.gobAsNobody(["stop", id])
            #expect(stop.status == 1, "\(stop)")
            #expect(stop.stderr == "Error: job \(id): process \(rooted) (uid 0, not permitted to signal it) still running after SIGKILL\n",
                    "\(stop)")
            #expect(!survivor.hasExited)
            let json = try await sandbox.gobAsNobody(["stop", "--json", id])
            #expect(json.status == 1)
            #expect(try JSON(parsing: json.stdout)["error"]?["code"]?.stringValue == "stop_failed", "\(json)")

            // The job's own main process went; the new run is not started beside the survivor.
            let before = try #require(try await Self.job(id, as: sandbox))
            #expect(before.status == .stopped)
            let restart = try await sandbox.gobAsNobody(["restart", id])
            #expect(restart.status == 1, "\(restart)")
            #expect(restart.stderr.contains("\(rooted) (uid 0, not permitted to signal it)"), "\(restart)")
            let after = try #require(try await Self.job(id, as: sandbox))
            #expect(after.status == .stopped && after.pid == before.pid, "restart did not start a new run")

            let nuke = try await sandbox.gobAsNobody(["nuke"])
            #expect(nuke.status == 1, "\(nuke)")
            #expect(nuke.stderr.contains("job \(id): \(rooted) (uid 0, not permitted to signal it)"), "\(nuke)")
            #expect(try await Self.job(id, as: sandbox) != nil, "the job with a survivor is kept")

            // Once root ends it, the job goes like any other.
            survivor.signal(SIGKILL)
            #expect(await survivor.exit())
            let cleared = try await sandbox.gobAsNobody(["nuke", "--all"])
            #expect(cleared.status == 0, "\(cleared)")
        }
    }

    /// Job `id` as `list --all --json` shows it, run as nobody.
    private static func job(_ id: String, as sandbox: Sandbox) async throws -> JobSnapshot? {
        let listed = try await sandbox.gobAsNobody(["list", "--all", "--json"])
        return (try JSON(parsing: listed.stdout).arrayValue ?? []).compactMap(JobSnapshot.init(json:)).first { $0.id == id }
    }
}
