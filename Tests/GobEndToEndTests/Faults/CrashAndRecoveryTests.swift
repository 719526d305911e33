import Glibc
import CGobShims
import Foundation
import GobProtocol
import Synchronization
import Testing

/// Crashes and files removed under the daemon: recovery or a clear error,
/// never a hang, never an unrelated process signalled.
@Suite("Fault: crashes and recovery", .endToEnd, .timeLimit(.minutes(3)))
struct CrashAndRecoveryTests {
    @Test func aDeletedSocketIsRecreatedAndJobsKept() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sleep", "300")
            try FileManager.default.removeItem(atPath: sandbox.paths.socket)
            try await sandbox.waitUntil("the socket to be recreated and answer") { sandbox.socketAnswers }
            #expect(try await sandbox.listedJob(id)?.status == .running)
            #expect(sandbox.daemons.count == 1)
        }
    }

    /// After a crash the socket file stays until the next daemon's socket replaces it:
    /// commands riding through take a missing socket for a daemon stopped on purpose, so
    /// it must never go missing while the next daemon starts (reading its jobs back).
    @Test func aCrashedDaemonsSocketNeverGoesMissingWhileTheNextStarts() async throws {
        try await Sandbox.run { sandbox async throws in
            for index in 0..<50 { _ = try await sandbox.addJob(arguments: ["sleep", "30\(index)"]) }
            let daemon = try #require(sandbox.daemonPID)
            #expect(kill(daemon, SIGKILL) == 0)
            #expect(try await eventually(timeout: .seconds(60)) { !ProcessScan.isLive(daemon) })
            // Watch the name from a thread of its own while a command starts the next daemon.
            let socket = sandbox.paths.socket
            let watching = Atomic<Bool>(true)
            let watcher = Task.detached { () -> (looks: Int, missing: Int) in
                await offThePool {
                    var looks = 0
                    var missing = 0
                    var info = stat()
                    while watching.load(ordering: .relaxed) {
                        looks += 1
                        if lstat(socket, &info) != 0 { missing += 1 }
                    }
                    return (looks, missing)
                }
            }
            let pinged = try await sandbox.gob("ping")
            watching.store(false, ordering: .relaxed)
            let (looks, missing) = await watcher.value
            #expect(pinged.status == 0, "\(pinged)")
            #expect(sandbox.daemonPID != daemon)
            #expect(looks > 0)
            #expect(missing == 0, "the socket was missing in \(missing) of \(looks) looks")
        }
    }

    @Test func aDeletedRuntimeDirectoryIsRecreatedAndJobsKept() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sleep", "300")
            // Moved away whole, then deleted: the daemon must not notice it half-removed.
            let gone = sandbox.base + "/gone"
            #expect(rename(sandbox.paths.directory, gone) == 0)
            try FileManager.default.removeItem(atPath: gone)
            try await sandbox.waitUntil("the runtime directory, socket and PID file to be recreated") {
                sandbox.socketAnswers && FileManager.default.fileExists(atPath: sandbox.paths.pidFile)
            }
            #expect(try await sandbox.listedJob(id)?.status == .running)
            #expect(sandbox.daemons.count == 1)
            #expect(sandbox.runtimeFiles.contains("daemon.pid"))
            // The recreated directory is as private as the first.
            let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.paths.directory)
            #expect((attributes[.posixPermissions] as? Int) == 0o700)
        }
    }

    @Test func aReusedPIDIsNeverSignalled() async throws {
        try await Sandbox.run { sandbox async throws in
            // An unrelated process leading its own group, recorded with the wrong start time
            // as if a crashed daemon had left a job whose PID was since reused. It notes
            // every TERM it gets; the WINCH the test sends last is noted after any TERM
            // sent before it (a shell runs pending traps lowest signal first), so its note
            // closes the window in which a wrong TERM could still arrive.
            let notes = sandbox.workdir + "/signals"
            let script = "trap 'echo TERM >> signals' TERM; trap 'echo WINCH >> signals' WINCH; echo ready >> signals; "
                + "while :; do sleep 300 & wait $!; kill $! 2>/dev/null; done"
            let unrelated = try sandbox.spawn("/bin/sh", ["sh", "-c", script], environment: [sandbox.marker, "PATH=/usr/bin:/bin"])
            let pid = unrelated.pid
            func noted() -> String { (try? String(contentsOfFile: notes, encoding: .utf8)) ?? "" }
            try await sandbox.waitUntil("the unrelated process to set its traps") { noted().hasPrefix("ready\n") }
            try FileManager.default.createDirectory(atPath: sandbox.paths.directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try "\(pid) 1\n".write(toFile: sandbox.paths.jobRecord, atomically: false, encoding: .utf8)
            #expect(try await sandbox.daemonAnswers())
            #expect(sandbox.daemonLog.contains("terminating 0 leftover job process(es)"))
            #expect(kill(pid, SIGWINCH) == 0)
            try await sandbox.waitUntil("the unrelated process to note the test's WINCH") { noted().contains("WINCH\n") }
            #expect(noted() == "ready\nWINCH\n", "the unrelated process got no TERM")
            #expect(ProcessScan.isLive(pid), "the unrelated process lives")
            let record = (try? String(contentsOfFile: sandbox.paths.jobRecord, encoding: .utf8)) ?? ""
            #expect(!record.contains("\(pid) 1"), "the stale record is gone")
        }
    }

    @Test func theDaemonIdlesAfterFilesComeAndGo() async throws {
        try await Sandbox.run { sandbox async throws in
            // Log files removed in <rt> wake the directory watch; it must go back to sleep.
            for _ in 0..<3 {
                let (id, _) = try await sandbox.addJob("true")
                _ = try await sandbox.waitUntilStopped(id)
                #expect(try await sandbox.gob("remove", id).status == 0)
            }
            let daemon = try #require(sandbox.daemonPID)
            let used = try #require(try await CPUTime.used(by: daemon, over: .seconds(1)))
            #expect(used <= 5, "the idle daemon used \(used) ticks in 1 s")
        }
    }
}
