#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CGobShims
import Foundation
import GobProtocol
import Testing

/// Crashes and files removed under the daemon (issue 7): recovery or a clear error,
/// never a hang, never an unrelated process signalled.
@Suite("Fault: crashes and recovery", .timeLimit(.minutes(1)))
struct CrashAndRecoveryTests {
    @Test func aDeletedSocketIsRecreatedAndJobsKept() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sleep", "300")
            try FileManager.default.removeItem(atPath: sandbox.paths.socket)
            #expect(try await eventually { FileManager.default.fileExists(atPath: sandbox.paths.socket) })
            #expect(try await sandbox.listedJob(id)?.status == .running)
            #expect(sandbox.daemons.count == 1)
        }
    }

    @Test func aDeletedRuntimeDirectoryIsRecreatedAndJobsKept() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sleep", "300")
            // Moved away whole, then deleted: the daemon must not notice it half-removed.
            let gone = sandbox.base + "/gone"
            #expect(rename(sandbox.paths.directory, gone) == 0)
            try FileManager.default.removeItem(atPath: gone)
            #expect(try await eventually { FileManager.default.fileExists(atPath: sandbox.paths.socket) })
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
            // as if a crashed daemon had left a job whose PID was since reused.
            var pid: pid_t = 0
            var argv: [UnsafeMutablePointer<CChar>?] = [strdup("sleep"), strdup("300"), nil]
            defer { for pointer in argv { free(pointer) } }
            var envp: [UnsafeMutablePointer<CChar>?] = [strdup(sandbox.marker), nil]
            defer { for pointer in envp { free(pointer) } }
            #expect(gob_spawn(&pid, "/bin/sleep", &argv, &envp, nil, -1, -1, -1, -1, 1) == 0)
            sandbox.addCleanup { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) }
            try FileManager.default.createDirectory(atPath: sandbox.paths.directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try "\(pid) 1\n".write(toFile: sandbox.paths.jobRecord, atomically: false, encoding: .utf8)
            #expect(try await sandbox.daemonAnswers())
            #expect(sandbox.daemonLog.contains("terminating 0 leftover job process(es)"))
            try await Task.sleep(for: .milliseconds(200))
            #expect(kill(pid, 0) == 0 && ProcessScan.isLive(pid), "the unrelated process lives")
            let record = (try? String(contentsOfFile: sandbox.paths.jobRecord, encoding: .utf8)) ?? ""
            #expect(!record.contains("\(pid) 1"), "the stale record is gone")
        }
    }

    @Test func aKilledDaemonsJobsAndLogsAreCleanedUpByTheNextOne() async throws {
        try await Sandbox.run { sandbox async throws in
            let (_, pid) = try await sandbox.addJob("sh", "-c", "sleep 300 & sleep 300")
            let daemon = try #require(sandbox.daemonPID)
            kill(daemon, SIGKILL)
            #expect(try await eventually { !ProcessScan.isLive(daemon) })
            #expect(!ProcessScan.members(ofGroup: pid).isEmpty, "orphans until a daemon comes back")
            #expect(try await sandbox.gob("list").stdout == "No jobs found\n")
            #expect(try await eventually { ProcessScan.members(ofGroup: pid).isEmpty })
            #expect(try await eventually { !sandbox.runtimeFiles.contains { $0.hasSuffix(".log") && $0 != "daemon.log" } })
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
            func ticks() -> Int {
                let stat = (try? String(contentsOfFile: "/proc/\(daemon)/stat", encoding: .utf8)) ?? ""
                guard let close = stat.lastIndex(of: ")") else { return 0 }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
            }
            let before = ticks()
            try await Task.sleep(for: .seconds(1))  // an observation window, not a wait for an event
            #expect(ticks() - before <= 5, "the idle daemon used \(ticks() - before) ticks in 1 s")
        }
    }
}
