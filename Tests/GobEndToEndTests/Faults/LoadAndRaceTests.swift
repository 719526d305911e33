import Glibc
import Foundation
import GobProtocol
import Testing

/// Many clients at once, and operations racing on one job.
@Suite("Fault: load and races", .endToEnd, .timeLimit(.minutes(4)))
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
                // Each its own command: a stopped job with the same one would get a new run.
                guard let job = sandbox.rawAdd(["sleep", "\(300 + client)"]) else { return failures.add("add \(client)") }
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
            let line = Array(#"{"type":"subscribe"}"#.utf8 + [0x0A])
            // One subscriber first, so that anything the daemon opens once for the first
            // and keeps is in the baseline too.
            let first = try #require(IdleConnection(socket: sandbox.paths.socket, sending: line))
            try await sandbox.waitForDaemonLog("Subscriber added", count: 1)
            #expect(await first.leave())
            let baseline = try #require(try await sandbox.daemonDescriptorBaseline())
            let subscribers = (0..<20).compactMap { _ in IdleConnection(socket: sandbox.paths.socket, sending: line) }
            #expect(subscribers.count == 20)
            try await sandbox.waitForDaemonLog("Subscriber added", count: 21)
            #expect((sandbox.daemonDescriptorCount() ?? 0) > baseline, "the subscribers hold descriptors")
            // Each leaves and waits until the daemon has closed its end, which it does
            // after dropping the subscription and its wake-up pipe. (A descriptor a thread
            // opens for a moment, such as a /proc file, may be counted: look again.)
            for subscriber in subscribers { #expect(await subscriber.leave()) }
            #expect(try await eventually(timeout: .seconds(60)) { (sandbox.daemonDescriptorCount() ?? .max) <= baseline })
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
            try await sandbox.waitForOutput(of: follower, "the follower's first tick") { $0.contains("tick") }
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
            // A job that holds the nuke up: on SIGTERM it notes it, then waits until the
            // test writes to a FIFO. While it waits, the nuke is in progress.
            let release = sandbox.workdir + "/release"
            #expect(mkfifo(release, 0o600) == 0)
            let notes = sandbox.workdir + "/nuked"
            func noted() -> String { (try? String(contentsOfFile: notes, encoding: .utf8)) ?? "" }
            _ = try await sandbox.addJob(
                "sh", "-c", "trap 'echo TERM >> nuked; read x < release; exit 0' TERM; echo ready >> nuked; "
                    + "while :; do sleep 300 & wait $!; done")
            try await sandbox.waitUntil("the holding job to set its trap") { noted() == "ready\n" }
            let daemon = try sandbox.daemonProcess()

            // Adds held in flight: connected, half of each request sent.
            let requests = (0..<20).map { _ in Array((sandbox.addRequest(["sleep", "300"]) + "\n").utf8) }
            let held = requests.compactMap { IdleConnection(socket: sandbox.paths.socket, sending: Array($0.prefix($0.count / 2))) }
            #expect(held.count == requests.count)
            let nuke = try sandbox.start(["nuke", "--all"])
            try await sandbox.waitUntil("the nuke to signal the holding job") { noted().contains("TERM\n") }

            // The nuke now waits for the holding job: the held adds complete, and more
            // adds race in from threads of their own.
            for (connection, request) in zip(held, requests) { connection.send(Array(request[(request.count / 2)...])) }
            let fresh = Task { await offThePool { (0..<10).compactMap { _ in sandbox.rawAdd(["sleep", "300"])?.id } } }
            // Let the holding job go. Opened read-write, the FIFO never blocks the test and
            // keeps the byte until the job opens it for reading.
            let writer = open(release, O_RDWR | O_CLOEXEC)
            #expect(writer >= 0 && write(writer, "\n", 1) == 1)
            defer { close(writer) }
            let nuked = try await nuke.finish()
            #expect(nuked.status == 0, "\(nuked)")

            var added = await fresh.value
            for connection in held {
                let reply = try #require(await connection.readToEnd(), "the daemon answers every held add")
                // Added, or refused with an error (the daemon may be shutting down).
                let response = try #require((try? JSON(parsing: reply.prefix { $0 != 0x0A })).flatMap(Response.init(json:)),
                                            "\(String(decoding: reply, as: UTF8.self))")
                if let job = response.job { added.append(job.id) } else { #expect(!(response.error ?? "").isEmpty) }
            }
            // With no job left the daemon shuts down and stops whatever an add
            // started meanwhile; wait for it to be gone before counting processes.
            if sandbox.daemonLog.contains("shutting down") {
                try await daemon.waitForExit("the daemon to finish shutting down")
            }
            let listed = try await sandbox.listedJobs()
            #expect(Set(listed.map(\.id)).isSubset(of: Set(added)), "every listed job was added by the test")
            let sleepers = ProcessScan.processes(withEnvironment: sandbox.marker)
                .filter { $0.arguments == ["sleep", "300"] && $0.state != "Z" }
            #expect(sleepers.count == listed.filter { $0.status == .running }.count, "no job process outside the table")
        }
    }
}
