#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GobProtocol
import Testing

/// Many clients at once, and operations racing on one job (issue 7).
@Suite("Fault: load and races", .timeLimit(.minutes(2)))
struct LoadAndRaceTests {
    @Test func aHundredConcurrentClientsGetConsistentResults() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers())
            let subscribers = (0..<10).compactMap { _ in
                IdleConnection(socket: sandbox.paths.socket, sending: Array(#"{"type":"subscribe"}"#.utf8 + [0x0A]))
            }
            #expect(subscribers.count == 10)
            let failures = Failures()
            await offThePool { DispatchQueue.concurrentPerform(iterations: 100) { client in
                guard let job = sandbox.rawAdd(["sleep", "300"]) else { return failures.add("add \(client)") }
                guard sandbox.raw(Request.list(workdir: nil).json.compact)?.success == true else { return failures.add("list \(client)") }
                guard sandbox.raw(Request.stop(jobID: job.id, force: client % 3 == 0).json.compact)?.success == true else {
                    return failures.add("stop \(client)")
                }
                if client % 2 == 0, sandbox.raw(Request.remove(jobID: job.id).json.compact)?.success != true {
                    failures.add("remove \(client)")
                }
            } }
            #expect(failures.all.isEmpty, "\(failures.all)")
            let jobs = try await sandbox.listedJobs()
            #expect(jobs.count == 50, "every odd client's job stays, stopped")
            #expect(Set(jobs.map(\.id)).count == 50)
            #expect(jobs.allSatisfy { $0.status == .stopped })
            #expect(sandbox.daemonZombies().isEmpty)
            withExtendedLifetime(subscribers) {}
        }
    }

    @Test func descriptorsComeBackAfterSubscribersLeave() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers())
            let baseline = try #require(sandbox.daemonDescriptorCount())
            do {
                let subscribers = (0..<20).compactMap { _ in
                    IdleConnection(socket: sandbox.paths.socket, sending: Array(#"{"type":"subscribe"}"#.utf8 + [0x0A]))
                }
                #expect(subscribers.count == 20)
                #expect(try await eventually { sandbox.daemonLog.components(separatedBy: "Subscriber added").count == 21 })
            }
            #expect(try await eventually { sandbox.daemonDescriptorCount() == baseline })
        }
    }

    @Test func stopAndRestartOfOneJobAtOnce() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sleep", "300")
            async let stop = sandbox.gob("stop", id)
            async let restart = sandbox.gob("restart", id)
            let (stopped, restarted) = try await (stop, restart)
            #expect(stopped.status == 0 && restarted.status == 0, "\(stopped) \(restarted)")
            // Whatever the order, one generation of the job at most is running.
            let job = try #require(try await sandbox.listedJob(id))
            let sleepers = ProcessScan.processes(withEnvironment: sandbox.marker).filter { $0.arguments.first == "sleep" && $0.state != "Z" }
            #expect(sleepers.count == (job.status == .running ? 1 : 0))
        }
    }

    @Test func jobsExitingWhileBeingStopped() async throws {
        try await Sandbox.run { sandbox async throws in
            for _ in 0..<15 {
                let (id, pid) = try await sandbox.addJob("sleep", "0.02")
                let stop = try await sandbox.gob("stop", id)
                #expect(stop.status == 0, "\(stop)")
                #expect(!ProcessScan.isLive(pid))
            }
            #expect(sandbox.daemonZombies().isEmpty)
        }
    }

    @Test func removeWhileAFollowerReads() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sh", "-c", "while true; do echo tick; sleep 0.05; done")
            let follower = try sandbox.start(["stdout", "-f", id])
            #expect(try await eventually { ((try? String(contentsOfFile: follower.stdoutPath, encoding: .utf8)) ?? "").contains("tick") })
            #expect(try await sandbox.gob("stop", id).status == 0)
            #expect(try await sandbox.gob("remove", id).status == 0)
            // The job ended, then went: the follow is over, without an error.
            let outcome = try await follower.finish()
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.stderr.isEmpty, "\(outcome)")
            #expect(try await sandbox.daemonAnswers())
        }
    }

    @Test func nukeWhileJobsAreBeingAdded() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers())
            let adder = Task {
                await offThePool {
                    var added: [String] = []
                    for _ in 0..<60 { if let job = sandbox.rawAdd(["sleep", "300"]) { added.append(job.id) } }
                    return added
                }
            }
            try await Task.sleep(for: .milliseconds(20))
            let nuke = try await sandbox.gob("nuke", "--all")
            #expect(nuke.status == 0, "\(nuke)")
            let added = await adder.value
            // The daemon may have shut down after the nuke (D6) and a later add started a
            // new one; either way every job that exists is listed and nothing else runs.
            let listed = Set(try await sandbox.listedJobs().map(\.id))
            #expect(listed.isSubset(of: Set(added)))
            let sleepers = ProcessScan.processes(withEnvironment: sandbox.marker).filter { $0.arguments.first == "sleep" && $0.state != "Z" }
            #expect(sleepers.count == listed.count, "no job process outside the table")
        }
    }
}

/// Thread-safe list of failure notes.
final class Failures: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var notes: [String] = []

    func add(_ note: String) {
        lock.lock()
        notes.append(note)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return notes
    }
}
