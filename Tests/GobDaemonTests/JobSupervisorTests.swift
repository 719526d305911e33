import Foundation
@testable import GobDaemon
import GobProtocol
import GobTestSupport
import Testing

@Suite("Job supervisor driven through a fake launcher", .timeLimit(.minutes(1)))
struct JobSupervisorTests {
    @Test func addStartsAJobAndAnnouncesIt() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        let job = try f.supervisor.add(f.spec(["sleep", "300"]))
        #expect(job.status == .running)
        #expect(job.command == ["sleep", "300"])
        #expect(job.stdoutPath == f.directory + "/\(job.id).stdout.log")
        #expect(job.exitCode == nil && job.signal == nil && job.endedAt == nil)
        #expect(job.id.count == 3 && job.id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) })
        let events = drainEvents(subscription)
        #expect(events.map(\.kind) == [.jobAdded])
        #expect(events.first?.job.id == job.id)
    }

    @Test func exitIsRecordedWithCodeAndAnnounced() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        let job = try f.supervisor.add(f.spec(["false"]))
        f.launcher.exit(job.pid, code: 3)
        #expect(await f.settled())
        #expect((try? f.supervisor.job(job.id).status) == .stopped)
        let stopped = try f.supervisor.job(job.id)
        #expect(stopped.exitCode == 3)
        #expect(stopped.signal == nil)
        #expect(stopped.endedAt != nil)
        #expect(!stopped.stoppedByGob, "the job ended by itself")
        let events = drainEvents(subscription)
        #expect(events.map(\.kind) == [.jobAdded, .jobStopped])
        #expect(events.last?.job.exitCode == 3)
    }

    @Test func aBlockingWaitWakesWhenTheFakeReportsAnExit() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["false"]))
        f.launcher.exit(job.pid, code: 1)
        #expect(f.eventually { (try? f.supervisor.job(job.id).status) == .stopped })
        #expect(try f.supervisor.job(job.id).exitCode == 1)
    }

    @Test func killedJobReportsItsSignal() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["sleep", "300"]))
        _ = try f.supervisor.stop(job.id, force: true)
        let stopped = try f.supervisor.job(job.id)
        #expect(stopped.status == .stopped)
        #expect(stopped.signal == "SIGKILL")
        #expect(stopped.exitCode == nil)
        #expect(stopped.stoppedByGob, "the SIGKILL was gob's")
        #expect(f.launcher.signalsSent.map(\.signal) == [SIGKILL])
    }

    @Test func stopEscalatesWhenTermIsIgnored() throws {
        let f = SupervisorFixture(termGrace: 0.2, killGrace: 0.5)
        defer { f.remove() }
        f.launcher.table.withLock { $0.ignoreTermNext = true }
        let job = try f.supervisor.add(f.spec(["stubborn"]))
        let result = try f.supervisor.stop(job.id, force: false)
        #expect(result == .init(pid: job.pid, wasRunning: true, killed: true))
        #expect(f.launcher.signalsSent.map(\.signal) == [SIGTERM, SIGCONT, SIGKILL])
        #expect(try f.supervisor.job(job.id).status == .stopped)
        #expect(try f.supervisor.job(job.id).stoppedByGob)
    }

    @Test func stopReportsTheRealReasonWhenNothingHelps() throws {
        let f = SupervisorFixture(termGrace: 0.1, killGrace: 0.1)
        defer { f.remove() }
        f.launcher.table.withLock { $0.unkillableNext = true }
        let job = try f.supervisor.add(f.spec(["immortal"]))
        #expect(throws: SupervisorError("process \(job.pid) still running after SIGKILL", code: .stopFailed)) {
            try f.supervisor.stop(job.id, force: false)
        }
    }

    @Test func stopOfAStoppedJobSendsNothing() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["true"]))
        f.launcher.exit(job.pid, code: 0)
        #expect(await f.settled())
        #expect((try? f.supervisor.job(job.id).status) == .stopped)
        #expect(try f.supervisor.stop(job.id, force: false) == .init(pid: job.pid, wasRunning: false, killed: false))
        #expect(f.launcher.signalsSent.isEmpty)
        #expect(throws: SupervisorError("job not found: nope", code: .notFound)) { try f.supervisor.stop("nope", force: false) }
    }

    @Test func waitingStopDoesNotBlockOtherRequests() async throws {
        // The stubborn job's stop waits out its TERM grace (a failsafe here) until the
        // test lets the job end; everything else must be served meanwhile.
        let f = SupervisorFixture(termGrace: 60, killGrace: 0.5)
        defer { f.remove() }
        f.launcher.table.withLock { $0.ignoreTermNext = true }
        let stubborn = try f.supervisor.add(f.spec(["stubborn"]))
        let stopped = AsyncCounter()
        let supervisor = f.supervisor
        Thread.detachNewThread {
            _ = try? supervisor.stop(stubborn.id, force: false)
            stopped.increment()
        }
        #expect(await f.launcher.signalCount.wait(atLeast: 1), "the stop has sent SIGTERM")
        let served = await offThePool {
            _ = supervisor.list(workdir: nil)
            guard let other = try? supervisor.add(f.spec(["sleep", "1"])) else { return false }
            return (try? supervisor.stop(other.id, force: false))?.pid == other.pid
        }
        #expect(served)
        #expect(stopped.value == 0, "list, add and stop were served while the stubborn stop still waited")
        #expect(try f.supervisor.job(stubborn.id).status == .running)
        f.launcher.exit(stubborn.pid, code: 0)
        #expect(await stopped.wait(atLeast: 1))
        #expect(try f.supervisor.job(stubborn.id).status == .stopped)
    }

    @Test func startRefusesRunningJobsAndRestartsStoppedOnes() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["sleep", "1"]))
        #expect(throws: SupervisorError(
            "job \(job.id) is already running (use 'gob restart' to restart a running job)", code: .alreadyRunning)) {
            try f.supervisor.start(job.id, environment: nil)
        }
        f.launcher.exit(job.pid, code: 0)
        #expect(await f.settled())
        #expect((try? f.supervisor.job(job.id).status) == .stopped)
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        let again = try f.supervisor.start(job.id, environment: ["PATH=/usr/bin", "FOO=2"])
        #expect(again.id == job.id && again.pid != job.pid && again.status == .running)
        #expect(again.exitCode == nil && again.endedAt == nil)
        #expect(again.createdAt == job.createdAt)
        #expect(drainEvents(subscription).map(\.kind) == [.jobStarted])
        let launched = f.launcher.table.withLock { $0.processes[again.pid]?.spec.environment }
        #expect(launched == ["PATH=/usr/bin", "FOO=2"])
    }

    @Test func restartAnnouncesTheOldEndBeforeTheNewStart() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["server"]))
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        let restarted = try f.supervisor.restart(job.id, environment: nil)
        #expect(restarted.pid != job.pid)
        let events = drainEvents(subscription)
        #expect(events.map(\.kind) == [.jobStopped, .jobStarted])
        #expect(events.first?.job.pid == job.pid && events.first?.job.status == .stopped)
        #expect(events.last?.job.pid == restarted.pid && events.last?.job.status == .running)
    }

    @Test func removeOnlyStoppedJobsAndDeletesTheirLogs() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["sleep", "1"]))
        #expect(throws: SupervisorError("cannot remove running job: \(job.id) (use 'stop' first)", code: .alreadyRunning)) {
            try f.supervisor.remove(job.id)
        }
        _ = try f.supervisor.stop(job.id, force: false)
        #expect(f.fileExists(job.stdoutPath))
        #expect(try f.supervisor.remove(job.id).pid == job.pid)
        #expect(!f.fileExists(job.stdoutPath) && !f.fileExists(job.stderrPath))
        #expect(throws: SupervisorError("job not found: \(job.id)", code: .notFound)) { try f.supervisor.remove(job.id) }
    }

    @Test func cleanupAndNukeRespectTheirScope() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let a1 = try f.supervisor.add(f.spec(["a1"], workdir: "/a"))
        let a2 = try f.supervisor.add(f.spec(["a2"], workdir: "/a"))
        let b1 = try f.supervisor.add(f.spec(["b1"], workdir: "/b"))
        f.launcher.exit(a1.pid, code: 0)
        f.launcher.exit(b1.pid, code: 0)
        #expect(await f.settled())
        #expect(f.supervisor.runningCount == 1)
        #expect(f.supervisor.cleanup(workdir: "/a") == 1)
        #expect(f.supervisor.list(workdir: nil).map(\.id).sorted() == [a2.id, b1.id].sorted())
        let result = f.supervisor.nuke(workdir: "/a")
        #expect(result == JobSupervisor.NukeResult(stopped: 1, logsDeleted: 2, cleaned: 1))
        #expect(f.supervisor.list(workdir: nil).map(\.id) == [b1.id])
        #expect(f.supervisor.nuke(workdir: nil) == JobSupervisor.NukeResult(stopped: 0, logsDeleted: 2, cleaned: 1))
        #expect(f.supervisor.jobCount == 0)
    }

    /// `add` and `run` start a new run of a stopped job with the same command here; a
    /// running one gets a second job beside it (two instances are allowed).
    @Test func aStoppedJobGetsANewRunAndARunningOneASecondJob() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let (first, restarted1) = try f.supervisor.submit(f.spec(["make", "test"]))
        #expect(!restarted1 && first.run == "\(first.id)-1")
        let (beside, restarted2) = try f.supervisor.submit(f.spec(["make", "test"]))
        #expect(!restarted2 && beside.id != first.id, "a running match gets a new job")
        f.launcher.exit(first.pid, code: 2)
        #expect(await f.settled())
        #expect((try? f.supervisor.job(first.id).status) == .stopped)
        let (second, restarted3) = try f.supervisor.submit(f.spec(["make", "test"]))
        #expect(restarted3 && second.id == first.id && second.pid != first.pid)
        #expect(second.run == "\(first.id)-2" && second.runs == 2 && second.stats.failures == 1)
        let (other, restarted4) = try f.supervisor.submit(f.spec(["make", "test"], workdir: "/elsewhere"))
        #expect(!restarted4 && other.id != first.id)
    }

    @Test func theNewestMatchIsReusedOrNamedAndTiesGoByCreationOrder() async throws {
        // One clock reading for every job: only the creation order tells them apart.
        let f = SupervisorFixture(clock: { 1_764_166_000_000_000_000 })
        defer { f.remove() }
        let jobs = try (0..<4).map { _ in try f.supervisor.add(f.spec(["make", "test"])) }
        #expect(Set(jobs.map(\.id)).count == 4)
        for job in [jobs[0], jobs[2]] { f.launcher.exit(job.pid, code: 0) }
        #expect(await f.settled())
        let (reused, restarted) = try f.supervisor.submit(f.spec(["make", "test"]))
        #expect(restarted && reused.id == jobs[2].id, "the newest stopped match gets the new run")
        let (older, olderRestarted) = try f.supervisor.submit(f.spec(["make", "test"]))
        #expect(olderRestarted && older.id == jobs[0].id, "then the older one")
        // Every match runs now: `run` names the newest.
        #expect(throws: SupervisorError("job \(jobs[3].id) is already running with the same command", code: .alreadyRunning)) {
            try f.supervisor.run(f.spec(["make", "test"]))
        }
        #expect(f.supervisor.jobCount == 4)
    }

    @Test func failedLaunchLeavesNoJobAndNoLogFiles() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let message = "cannot start \"nope\": no such file"
        f.launcher.table.withLock { $0.failNext = LaunchError(message) }
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        #expect(throws: SupervisorError(message, code: .spawnFailed)) { try f.supervisor.add(f.spec(["nope"])) }
        #expect(f.supervisor.jobCount == 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: f.directory)
        #expect(leftovers == ["logs"] && f.runLogs.isEmpty, "\(leftovers) \(f.runLogs)")
        #expect(drainEvents(subscription).isEmpty)
    }

    @Test func idsAreShortAndStayUniqueWhenManyJobsShareAMillisecond() throws {
        let f = SupervisorFixture(clock: { 1_764_166_000_000_000_000 })
        defer { f.remove() }
        var ids = Set<String>()
        for n in 0..<2000 { ids.insert(try f.supervisor.add(f.spec(["job", OSString("\(n)")])).id) }
        #expect(ids.count == 2000)
        // 2,000 of 46,656 three-character IDs taken: eight taken draws in a row are
        // practically impossible, so every ID is short.
        #expect(ids.allSatisfy { $0.utf8.count == 3 && $0.utf8.allSatisfy(JobID.alphabet.contains) })
    }

    @Test func listIsNewestFirstAndScoped() throws {
        var tick: Int64 = 1_764_166_000_000_000_000
        let clockTicks = Mutex(tick)
        let f = SupervisorFixture(clock: { clockTicks.withLock { $0 += 5_000_000; return $0 } })
        defer { f.remove() }
        tick += 0
        let old = try f.supervisor.add(f.spec(["old"]))
        let new = try f.supervisor.add(f.spec(["new"]))
        _ = try f.supervisor.add(f.spec(["elsewhere"], workdir: "/b"))
        #expect(f.supervisor.list(workdir: "/work/a").map(\.id) == [new.id, old.id])
        #expect(f.supervisor.list(workdir: nil).count == 3)
        #expect(f.supervisor.list(workdir: "/nowhere").isEmpty)
    }

    @Test func signalGoesToTheGroupAndReportsKernelErrors() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["sleep", "300"]))
        #expect(try f.supervisor.signal(job.id, signal: SIGUSR1) == job.pid)
        #expect(f.launcher.signalsSent.last?.pgid == job.pid)
        #expect(throws: SupervisorError("failed to send signal: invalid argument", code: .invalidArgument)) {
            try f.supervisor.signal(job.id, signal: 99)
        }
        #expect(throws: SupervisorError("job not found: x", code: .notFound)) { try f.supervisor.signal("x", signal: 15) }
        _ = try f.supervisor.stop(job.id, force: false)
        let before = f.launcher.signalsSent.count
        #expect(throws: SupervisorError("job \(job.id) is not running", code: .notRunning)) {
            try f.supervisor.signal(job.id, signal: SIGTERM)
        }
        #expect(f.launcher.signalsSent.count == before, "a job that is not running is not signalled")
    }
}

import Synchronization
