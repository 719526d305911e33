import Foundation
@testable import GobDaemon
import GobProtocol
import GobStore
import GobSystem
import Synchronization
import Testing

/// A store double: writes land in memory, and a test can make them wait or fail.
final class StoreDouble: JobStore, @unchecked Sendable {
    // @unchecked: all mutable state is inside `state`, a condition lock.
    struct State {
        var written: [StoreChanges] = []
        /// The jobs as the written changes leave them.
        var jobs: [String: StoredJob] = [:]
        var runs: [RunKey: RunRecord] = [:]
        var blocked = false
        var writesBegun = 0
        var failure: StoreError?
    }

    let state = ConditionLock(State())
    /// What `isInPlace` answers: a test removes the database by setting it false.
    let inPlace = Mutex(true)
    var isInPlace: Bool { inPlace.withLock { $0 } }
    /// Called when a write begins or ends, so a fixture's `eventually` looks again.
    let notify = Mutex<(@Sendable () -> Void)?>(nil)

    func write(_ changes: StoreChanges) throws(StoreError) -> [RunKey] {
        state.withLockBroadcasting { $0.writesBegun += 1 }
        notify.withLock { $0 }?()
        defer { notify.withLock { $0 }?() }
        _ = state.wait { $0.blocked ? nil : true }
        let failure = state.withLock { state -> StoreError? in
            if let failure = state.failure { return failure }
            state.written.append(changes)
            for (id, entry) in changes.entries {
                if entry.replacesStored {
                    state.jobs[id] = nil
                    state.runs = state.runs.filter { $0.key.jobID != id }
                }
                if let job = entry.job { state.jobs[id] = job }
                for run in entry.runs.values { state.runs[RunKey(jobID: id, number: run.number)] = run }
                for number in entry.removedRuns { state.runs[RunKey(jobID: id, number: number)] = nil }
            }
            return nil
        }
        if let failure { throw failure }
        return []
    }

    func runs(ofJob jobID: String, limit: Int?) throws(StoreError) -> [RunRecord] {
        let runs = state.withLock { $0.runs.values.filter { $0.jobID == jobID }.sorted { $0.number > $1.number } }
        return limit.map { Array(runs.prefix($0)) } ?? runs
    }

    func run(ofJob jobID: String, number: Int64) throws(StoreError) -> RunRecord? {
        state.withLock { $0.runs[RunKey(jobID: jobID, number: number)] }
    }

    func summary(ofJob jobID: String, excluding excluded: Int64?) throws(StoreError) -> RunSummary {
        RunSummary()
    }

    /// The IDs of the stored jobs.
    var jobIDs: Set<String> { state.withLock { Set($0.jobs.keys) } }
    /// The stored runs still marked running.
    var runningRuns: [RunRecord] { state.withLock { $0.runs.values.filter { $0.outcome == nil } } }
}

/// Runs `body` on a thread of its own and says whether it returned within `seconds`;
/// a body that never returns is left behind (the test fails either way).
func finishes(within seconds: Double, _ body: @escaping @Sendable () -> Void) -> Bool {
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        body()
        done.signal()
    }
    return done.wait(timeout: .now() + seconds) == .success
}

@Suite("The one job-changed path", .timeLimit(.minutes(1)))
struct JobChangePathTests {
    /// A spawn stuck on a hung path (the launcher double waits) holds no lock: `list` and
    /// `ping` are answered meanwhile.
    @Test func listAndPingAnswerWhileALaunchIsStuck() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let handler = RequestHandler(supervisor: f.supervisor)
        _ = try f.supervisor.add(f.spec(["before"]))
        f.launcher.blocked.withLockBroadcasting { $0 = true }
        let adding = Thread { _ = try? f.supervisor.add(f.spec(["stuck"])) }
        adding.start()
        #expect(f.eventually { f.launcher.table.withLock { $0.launchesBegun } == 2 })
        #expect(finishes(within: 0.1) { _ = handler.reply(to: .list(workdir: nil)) }, "list waited for the spawn")
        #expect(finishes(within: 0.1) { _ = handler.reply(to: .ping) }, "ping waited for the spawn")
        #expect(f.supervisor.list(workdir: nil).map(\.command) == [["before"]], "a job being created is not listed yet")
        f.launcher.blocked.withLockBroadcasting { $0 = false }
        #expect(f.eventually { f.supervisor.jobCount == 2 })
    }

    /// A store write stuck on a hung disk holds no lock either.
    @Test func listAndPingAnswerWhileTheStoreWriteIsStuck() throws {
        let store = StoreDouble()
        let f = SupervisorFixture(keeping: .double(store))
        defer { f.remove() }
        store.notify.withLock { [launcher = f.launcher] in $0 = { launcher.advance() } }
        let handler = RequestHandler(supervisor: f.supervisor)
        store.state.withLockBroadcasting { $0.blocked = true }
        let adding = Thread { _ = try? f.supervisor.add(f.spec(["sleep", "1"])) }
        adding.start()
        #expect(f.eventually { store.state.withLock { $0.writesBegun } == 1 })
        #expect(finishes(within: 0.1) { _ = handler.reply(to: .list(workdir: nil)) }, "list waited for the store")
        #expect(finishes(within: 0.1) { _ = handler.reply(to: .ping) }, "ping waited for the store")
        store.state.withLockBroadcasting { $0.blocked = false }
        #expect(f.eventually { store.jobIDs.count == 1 })
    }

    /// A job in the table has its `<rt>` links, also while its commit is stuck: a `list`
    /// hands out their paths, and `gob logs` opens them at once.
    @Test func aListedJobHasItsLinksWhileItsCommitIsStuck() throws {
        let store = StoreDouble()
        let f = SupervisorFixture(keeping: .double(store))
        defer { f.remove() }
        store.notify.withLock { [launcher = f.launcher] in $0 = { launcher.advance() } }
        store.state.withLockBroadcasting { $0.blocked = true }
        let adding = Thread { _ = try? f.supervisor.add(f.spec(["sleep", "1"])) }
        adding.start()
        #expect(f.eventually { store.state.withLock { $0.writesBegun } == 1 })
        let listed = f.supervisor.list(workdir: nil)
        #expect(listed.count == 1)
        var info = stat()
        for job in listed {
            #expect(lstat(job.stdoutPath, &info) == 0, "\(job.stdoutPath) is missing")
            #expect(lstat(job.stderrPath, &info) == 0, "\(job.stderrPath) is missing")
        }
        store.state.withLockBroadcasting { $0.blocked = false }
        #expect(f.eventually { store.jobIDs.count == 1 })
    }

    /// An add whose job the store cannot hold (a full disk) fails with `io_error` and
    /// leaves nothing running and nothing half-written; once the store can be written
    /// again, the next change brings it up to date with what it missed.
    @Test func aStoreThatCannotBeWrittenFailsTheAdd() throws {
        let store = StoreDouble()
        let f = SupervisorFixture(keeping: .double(store))
        defer { f.remove() }
        store.notify.withLock { [launcher = f.launcher] in $0 = { launcher.advance() } }
        let kept = try f.supervisor.add(f.spec(["kept"]))
        #expect(store.jobIDs == [kept.id])
        let full = StoreError(.full, "cannot write state database /x/state.db: no space left on device")
        store.state.withLock { $0.failure = full }
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        #expect(throws: SupervisorError(full.description, code: .ioError)) {
            try f.supervisor.add(f.spec(["lost"]))
        }
        let lost = f.launcher.table.withLock { table in table.processes.first { $0.value.spec.command == ["lost"] } }
        #expect(lost?.value.alive == false, "the process the store could not hold was killed")
        #expect(f.supervisor.list(workdir: nil).map(\.id) == [kept.id])
        #expect(f.runLogs.allSatisfy { $0.hasPrefix(kept.id) }, "no log of the failed job: \(f.runLogs)")
        #expect(drainEvents(subscription).map(\.kind) == [.jobAdded, .jobStopped, .jobRemoved])
        // Meanwhile the kept job ends: its end waits for the next write that succeeds.
        f.launcher.exit(kept.pid, code: 0)
        #expect(f.eventually { (try? f.supervisor.job(kept.id).status) == .stopped })
        #expect(store.runningRuns.map(\.jobID) == [kept.id])
        store.state.withLock { $0.failure = nil }
        let next = try f.supervisor.add(f.spec(["next"]))
        #expect(store.jobIDs == [kept.id, next.id], "the failed job was never stored")
        #expect(store.runningRuns.map(\.jobID) == [next.id], "the kept job's end reached the store")
    }

    /// With the database removed under the daemon, a start starts nothing: it asks the
    /// daemon to make the state again and is refused as by a daemon shutting down (the
    /// client sends it again); once making it failed, with why; with no one to ask, with
    /// what to do. The snapshot for the new database holds every job and its latest run.
    @Test func aStartWithTheDatabaseRemovedAsksForItAgain() throws {
        let store = StoreDouble()
        let f = SupervisorFixture(keeping: .double(store))
        defer { f.remove() }
        store.notify.withLock { [launcher = f.launcher] in $0 = { launcher.advance() } }
        let kept = try f.supervisor.add(f.spec(["kept"]))
        store.inPlace.withLock { $0 = false }
        #expect(throws: SupervisorError.self) { try f.supervisor.add(f.spec(["unasked"])) }
        let asked = Mutex(0)
        let answer = Mutex<String?>(nil)
        f.supervisor.onStateLost {
            asked.withLock { $0 += 1 }
            return answer.withLock { $0 }
        }
        for start in [{ _ = try f.supervisor.add(f.spec(["new"])) }, { _ = try f.supervisor.restart(kept.id, environment: nil) }] {
            let refusal = try #require(throws: SupervisorError.self) { try start() }
            #expect(refusal.code == .shuttingDown, "\(refusal)")
        }
        #expect(asked.withLock { $0 } == 2)
        answer.withLock { $0 = "no space left on device" }
        let failed = try #require(throws: SupervisorError.self) { try f.supervisor.add(f.spec(["new"])) }
        #expect(failed.code == .internal && failed.description.hasSuffix("cannot be made again: no space left on device"), "\(failed)")
        #expect(f.launcher.table.withLock { $0.processes.count } == 1, "nothing was started")
        #expect((try? f.supervisor.job(kept.id).status) == .running, "the running job was left alone")
        let snapshot = f.supervisor.storeSnapshot()
        #expect(Set(snapshot.entries.keys) == [kept.id])
        #expect(snapshot.entries[kept.id]?.replacesStored == true)
        #expect(snapshot.entries[kept.id]?.runs.keys.sorted() == [1])
    }

    /// A stop whose end the store cannot record says so: the job is stopped, the client
    /// is told it could not be recorded.
    @Test func aStopTheStoreCannotRecordIsReported() throws {
        let store = StoreDouble()
        let f = SupervisorFixture(keeping: .double(store))
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["sleep", "9"]))
        let full = StoreError(.full, "cannot write state database /x/state.db: no space left on device")
        store.state.withLock { $0.failure = full }
        #expect(throws: SupervisorError("job \(job.id) was stopped, but \(full.description)", code: .ioError)) {
            try f.supervisor.stop(job.id, force: false)
        }
        #expect(try f.supervisor.job(job.id).status == .stopped)
    }

    /// An exit the reaper reports before the spawner recorded the process is parked, then
    /// applied: the job ends, announced after its start.
    @Test func anExitBeforeTheRecordIsNotLost() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        f.launcher.table.withLock { $0.exitBeforeReturn = 3 }
        let job = try f.supervisor.add(f.spec(["quick"]))
        let now = try f.supervisor.job(job.id)
        #expect(now.status == .stopped && now.exitCode == 3)
        #expect(drainEvents(subscription).map(\.kind) == [.jobAdded, .jobStopped])
    }

    /// Events of each job come in the order of its changes, however the threads interleave.
    @Test func eventsKeepTheOrderOfEachJobsChanges() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        let ids = Mutex<[String]>([])
        // 20 jobs, 60 events: within the fixture's queue of 64.
        let threads = (0..<4).map { n in
            Thread {
                for m in 0..<5 {
                    guard let job = try? f.supervisor.add(f.spec(["job", OSString("\(n)"), OSString("\(m)")])) else { continue }
                    ids.withLock { $0.append(job.id) }
                    f.launcher.exit(job.pid, code: 0)
                }
            }
        }
        for thread in threads { thread.start() }
        #expect(f.eventually { ids.withLock { $0.count } == 20 && f.supervisor.runningCount == 0 })
        #expect(f.supervisor.cleanup(workdir: nil) == 20)
        var events: [JobEvent] = []
        #expect(f.eventually {
            events += drainEvents(subscription)
            return events.count == 60
        })
        for id in ids.withLock({ $0 }) {
            #expect(events.filter { $0.job.id == id }.map(\.kind) == [.jobAdded, .jobStopped, .jobRemoved])
        }
    }

    /// `restart` of a job whose working directory is gone fails before it stops anything.
    @Test func restartChecksTheWorkdirFirst() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["server"], workdir: "/missing/dir"))
        #expect(throws: SupervisorError("working directory /missing/dir does not exist", code: .spawnFailed)) {
            try f.supervisor.restart(job.id, environment: nil)
        }
        #expect(f.launcher.signalsSent.isEmpty)
        #expect(try f.supervisor.job(job.id).status == .running)
    }

    /// A run time is measured on the monotonic clock: a wall clock set back meanwhile
    /// does not make it negative.
    @Test func runTimeIgnoresTheWallClockGoingBack() throws {
        let wall = Mutex<Int64>(1_764_166_000_000_000_000)
        let f = SupervisorFixture(clock: { wall.withLock { $0 } })
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["sleep", "1"]))
        wall.withLock { $0 -= 3_600_000_000_000 }
        f.launcher.exit(job.pid, code: 0)
        #expect(f.eventually { (try? f.supervisor.job(job.id).status) == .stopped })
        let runTime = try #require(try f.supervisor.job(job.id).runTimeMilliseconds)
        #expect(runTime >= 0 && runTime < 60_000, "run time \(runTime) ms")
    }

    /// The client's umask, nice value and limits reach the launcher.
    @Test func settingsReachTheLauncher() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let settings = ProcessSettings(umask: 0o077, nice: 5, limits: [.init(name: "nofile", soft: 256, hard: 4096)])
        var spec = f.spec(["a"])
        spec.settings = settings
        let job = try f.supervisor.add(spec)
        f.launcher.exit(job.pid, code: 0)
        #expect(f.eventually { (try? f.supervisor.job(job.id).status) == .stopped })
        let again = try f.supervisor.start(job.id, environment: nil, settings: settings)
        let launched = f.launcher.table.withLock { table in [job.pid, again.pid].map { table.processes[$0]?.spec.settings } }
        #expect(launched == [settings, settings])
    }
}
