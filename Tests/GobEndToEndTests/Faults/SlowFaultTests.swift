import Glibc
import Foundation
import GobProtocol
import Testing

/// The slow fault scenarios: scale, flood, low descriptor limits. Run with
/// `GOB_SLOW_TESTS=1` (as `.ci/run` does).
@Suite("Fault: slow scenarios", .enabled(if: slowTestsEnabled), .endToEnd, .timeLimit(.minutes(10)))
struct SlowFaultTests {
    @Test func twoThousandJobs() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers())
            let long = 500
            let added = await offThePool {
                // Each its own command: a stopped job with the same one would get a new run.
                (0..<2000).filter { n in sandbox.rawAdd(n % 4 == 0 ? ["sleep", "\(300 + n)"] : ["true", "\(n)"]) != nil }.count
            }
            #expect(added == 2000)
            let jobs = try await sandbox.listedJobs()
            #expect(jobs.count == 2000)
            try await sandbox.waitForJobs("the 1,500 short jobs to end") { jobs in
                jobs.filter { $0.status == .running }.count == long
            }
            let resident = try #require(sandbox.daemonResidentKiB())
            #expect(resident < 64 * 1024, "daemon RSS \(resident) KiB with 2,000 jobs")
            let nuke = try await sandbox.gob("nuke", "--all")
            #expect(nuke.stdout == "Stopped \(long) running job(s)\nDeleted 4000 log file(s)\nCleaned up 2000 total job(s)\n")
            #expect(ProcessScan.processes(withEnvironment: sandbox.marker).filter { $0.arguments.first == "sleep" && $0.state != "Z" }.isEmpty)
        }
    }

    @Test func aGigabyteOfOutputNeverPassesThroughTheDaemon() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers())
            let before = try #require(sandbox.daemonResidentKiB())
            let (id, _) = try await sandbox.addJob("head", "-c", "1073741824", "/dev/zero")
            let job = try await sandbox.waitUntilStopped(id, timeout: .seconds(120))
            #expect(job.exitCode == 0)
            // The run's own log, not the job's link to it.
            let size = try FileManager.default.attributesOfItem(atPath: sandbox.runLog("\(id)-1"))[.size] as? Int
            #expect(size == 1 << 30)
            let after = try #require(sandbox.daemonResidentKiB())
            #expect(after - before < 4 * 1024, "daemon RSS \(before) → \(after) KiB")
            #expect(try await sandbox.gob("remove", id).status == 0)
        }
    }

    @Test func runningOutOfDescriptorsIsSurvived() async throws {
        try await Sandbox.run { sandbox async throws in
            // A daemon whose hard limit is 64 descriptors.
            _ = try sandbox.start(["daemon"], environment: [:])
            // It listens first and writes its PID right after.
            try await sandbox.waitUntil("the daemon to listen and write its PID") {
                sandbox.socketAnswers && sandbox.daemonPID != nil
            }
            let daemon = try #require(sandbox.daemonPID)
            let prlimit = try sandbox.spawn(
                "/usr/bin/prlimit", ["prlimit", "--pid", "\(daemon)", "--nofile=64:64"],
                environment: sandbox.environment(directory: sandbox.workdir))
            #expect(try await prlimit.finish().status == 0)
            let hogs = (0..<80).compactMap { _ in IdleConnection(socket: sandbox.paths.socket) }
            #expect(!hogs.isEmpty)
            // While descriptors are short, an add fails cleanly or waits; never half-creates.
            let squeezed = try await sandbox.gob("add", "true")
            #expect(squeezed.status == 0 || squeezed.stderr.hasPrefix("Error: "))
            // The hogs leave; once the daemon has closed each, its descriptors are back.
            for hog in hogs { #expect(await hog.leave(), "the daemon closes a hog's connection") }
            let added = try await sandbox.gob("add", "true")
            #expect(added.status == 0, "\(added)")
            let jobs = try await sandbox.listedJobs()
            #expect(jobs.allSatisfy { FileManager.default.fileExists(atPath: sandbox.paths.stdoutLog($0.id)) })
        }
    }

    @Test func aSubscriptionOutlivesAnyIdleTime() async throws {
        try await Sandbox.run { sandbox async throws in
            // Upstream dropped subscribers after 30 s of client silence.
            let events = try sandbox.start(["events"])
            try await sandbox.waitForDaemonLog("Subscriber added")
            // The idle time itself is what is tested: a window, not a wait for an event.
            try await Task.sleep(for: .seconds(35))
            let (id, _) = try await sandbox.addJob("true")
            try await sandbox.waitForOutput(of: events, "the event of a job added after the idle time") {
                $0.contains("\"job_id\":\"\(id)\"")
            }
            #expect(ProcessScan.isLive(events.pid))
        }
    }
}
