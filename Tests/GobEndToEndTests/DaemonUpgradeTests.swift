import Glibc
import Foundation
import GobProtocol
import Testing

/// A newer gob meeting an older daemon: it upgrades the daemon in place and
/// carries on; an older gob is refused, never downgrading the daemon. Two versions of
/// one build: debug builds take the version from an executable named
/// `gob-version-<version>` (hard links to the built gob), whose daemon is
/// `gob-version-<version>-daemon` beside it.
@Suite("Daemon: upgrades in place", .endToEnd, .timeLimit(.minutes(3)))
struct DaemonUpgradeTests {
    /// Hard links to the built gob and its daemon that call themselves `version`.
    func gob(_ version: String, in sandbox: Sandbox) throws -> String {
        let directory = sandbox.base + "/bin"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/gob-version-" + version
        for suffix in ["", "-daemon"] where !FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.linkItem(atPath: GobProcess.executable + suffix, toPath: path + suffix)
        }
        return path
    }

    func run(_ executable: String, _ arguments: [String], in sandbox: Sandbox) async throws -> Outcome {
        try await sandbox.spawn(
            executable, ["gob"] + arguments, environment: sandbox.environment(directory: sandbox.workdir)
        ).finish()
    }

    @Test func aNewerGobUpgradesTheDaemonInPlaceAndAnOlderOneIsRefused() async throws {
        try await Sandbox.run { sandbox async throws in
            let old = try gob("1.2.0", in: sandbox)
            let new = try gob("1.3.0", in: sandbox)
            let added = try await run(old, ["add", "sleep", "300"], in: sandbox)
            #expect(added.status == 0, "\(added)")
            // Listed by the old gob: the test's own (a development build, newer than
            // any release) would upgrade the daemon itself.
            let before = try await run(old, ["list"], in: sandbox)
            let line = try #require(before.stdout.split(separator: "\n").first.map(String.init), "\(before)")
            let daemon = try #require(sandbox.daemonPID)
            let oldStatus = try await run(old, ["status"], in: sandbox)
            #expect(oldStatus.stdout.contains("Version: 1.2.0"), "\(oldStatus)")

            let listed = try await run(new, ["list"], in: sandbox)
            #expect(listed.status == 0, "\(listed)")
            #expect(listed.stderr == "gob: daemon upgraded 1.2.0 → 1.3.0; 1 job kept running\n", "\(listed)")
            #expect(listed.stdout == line + "\n", "the job runs on, same PID: \(listed)")
            #expect(sandbox.daemonPID == daemon, "the same daemon process, re-executed")
            let newStatus = try await run(new, ["status"], in: sandbox)
            #expect(newStatus.stdout.contains("Version: 1.3.0"), "\(newStatus)")

            // The older gob is refused as before, and does not downgrade the daemon.
            let refused = try await run(old, ["list"], in: sandbox)
            #expect(refused.status == 1 && refused.stderr.contains("version mismatch"), "\(refused)")
            let restart = try await run(old, ["daemon", "restart"], in: sandbox)
            #expect(restart.status == 1 && restart.stderr.contains("is older than the running daemon"), "\(restart)")
            #expect(try await run(new, ["status"], in: sandbox).stdout.contains("Version: 1.3.0"))
            #expect(sandbox.daemonPID == daemon)
        }
    }

    /// A subscription (here `events`) upgrades the daemon the same way.
    @Test func aNewerFollowerUpgradesTheDaemonToo() async throws {
        try await Sandbox.run { sandbox async throws in
            let old = try gob("1.2.0", in: sandbox)
            let new = try gob("1.3.0", in: sandbox)
            #expect(try await run(old, ["ping"], in: sandbox).status == 0)
            let events = try sandbox.spawn(new, ["gob", "events"], environment: sandbox.environment(directory: sandbox.workdir))
            #expect(try await sandbox.waitForSubscribers(1))
            #expect(((try? String(contentsOfFile: events.stderrPath, encoding: .utf8)) ?? "")
                == "gob: daemon upgraded 1.2.0 → 1.3.0; 0 jobs kept running\n")
            kill(events.pid, SIGKILL)
            _ = try await events.finish()
        }
    }
}
