import Foundation
import GRDB
import GobProtocol
@testable import GobStore
import GobTestSupport
import Testing

/// Writing jobs and runs: one transaction per batch, nothing half-written, writes that
/// can be repeated, summaries kept with the jobs.
@Suite("Writing the state database")
struct StoreWritingTests {
    static func job(_ id: String, sequence: Int64 = 0, lastRun: Int64 = 0, summary: RunSummary = RunSummary()) -> StoredJob {
        StoredJob(
            id: id, sequence: sequence, command: ["make", OSString(bytes: [0x74, 0xE9])], workdir: "/work",
            createdAtNanos: 1_796_161_159_000_000_000 + sequence, description: nil, lastRun: lastRun, summary: summary)
    }

    static func run(_ job: String, _ number: Int64, outcome: RunOutcome? = .success, pruned: Bool = false) -> RunRecord {
        RunRecord(
            jobID: job, number: number, pid: Int32(1000 + number), processStartTime: UInt64(number), bootID: "boot",
            startedAtNanos: number * 1_000_000_000, endedAtNanos: outcome == nil ? nil : number * 1_000_000_000 + 500,
            durationMilliseconds: outcome == nil ? nil : 100 * number, exitCode: outcome == .success ? 0 : nil,
            outcome: outcome, logsPruned: pruned)
    }

    @Test func jobsAndRunsComeBackAsWritten() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store.open(path: directory.path + "/state.db")
        var changes = StoreChanges()
        let summary = RunSummary(runs: 2, successes: 1, failures: 0, successDurations: [100], failureDurations: [])
        changes.replace(Self.job("a", lastRun: 2, summary: summary))
        changes.write(Self.run("a", 1))
        changes.write(Self.run("a", 2, outcome: nil))
        changes.replace(Self.job("b", sequence: 1))
        #expect(try store.write(changes).isEmpty)
        // The same changes again leave the same database.
        _ = try store.write(changes)
        let loaded = try store.load()
        #expect(loaded.map(\.job) == [Self.job("a", lastRun: 2, summary: summary), Self.job("b", sequence: 1)])
        #expect(loaded[0].latestRun == Self.run("a", 2, outcome: nil))
        #expect(loaded[1].latestRun == nil)
        #expect(try store.openRuns().map(\.id) == ["a-2"])
        #expect(try store.runs(ofJob: "a", limit: 1).map(\.number) == [2])
    }

    /// A job's readiness rule and gobfile entry come back as written, and a later write
    /// that drops them clears them.
    @Test func aJobsRuleAndGobfileEntryComeBack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store.open(path: directory.path + "/state.db")
        var job = Self.job("a")
        job.ready = ReadinessRule(log: "listening on", port: 0, timeoutMilliseconds: 45_000)
        job.gobfileName = "web"
        var changes = StoreChanges()
        changes.replace(job)
        _ = try store.write(changes)
        #expect(try store.load().map(\.job) == [job])
        job.ready = ReadinessRule(port: 8080)
        job.gobfileName = nil
        changes = StoreChanges()
        changes.write(job)
        _ = try store.write(changes)
        #expect(try store.load().map(\.job) == [job])
        job.ready = nil
        changes = StoreChanges()
        changes.write(job)
        _ = try store.write(changes)
        #expect(try store.load().first?.job.ready == nil)
    }

    /// What a write binds comes back as it was: empty text stays empty (not NULL), text
    /// beyond ASCII stays whole, an argv keeps an empty word and bytes that are not UTF-8,
    /// and a blob of no bytes stays a blob.
    @Test func textAndBytesComeBackExactly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store.open(path: directory.path + "/state.db")
        var empty = Self.job("a")
        empty.description = ""
        empty.command = [""]
        empty.workdir = OSString(bytes: [])
        var odd = Self.job("b", sequence: 1)
        odd.description = "two words ✓"
        odd.command = ["printf", "", OSString(bytes: [0xFF, 0xFE])]
        var run = Self.run("b", 1)
        run.bootID = ""
        odd.lastRun = 1
        var changes = StoreChanges()
        changes.replace(empty)
        changes.replace(odd)
        changes.write(run)
        _ = try store.write(changes)
        let loaded = try store.load()
        #expect(loaded.map(\.job) == [empty, odd])
        #expect(loaded[1].latestRun == run)
        let stored = try store.access { db in try Row.fetchOne(db, sql: "SELECT description, typeof(workdir) AS kind FROM job WHERE id = 'a'") }
        #expect(stored?["description"] as String? == "", "empty text is not NULL")
        #expect(stored?["kind"] as String? == "blob")
    }

    /// A write that fails leaves the statements usable: the next one goes in, and a store
    /// closed and opened again writes as before.
    @Test func aFailedWriteLeavesTheNextOneWorking() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/state.db"
        var store = try Store.open(path: path)
        var orphan = StoreChanges()
        // A run of a job that is not stored breaks the foreign key: the whole batch fails.
        orphan.write(Self.run("ghost", 1))
        orphan.replace(Self.job("a"))
        #expect(throws: StoreError.self) { try store.write(orphan) }
        #expect(try store.load().isEmpty, "nothing of the failed batch was written")
        var good = StoreChanges()
        good.replace(Self.job("b"))
        _ = try store.write(good)
        #expect(try store.load().map(\.job.id) == ["b"])
        store.close()
        store = try Store.open(path: path)
        defer { store.close() }
        var again = StoreChanges()
        again.replace(Self.job("c", sequence: 1))
        _ = try store.write(again)
        #expect(try store.load().map(\.job.id) == ["b", "c"])
    }

    /// A job given a removed job's ID starts without the old one's runs.
    @Test func replacingAJobDropsTheOldRuns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store.open(path: directory.path + "/state.db")
        var first = StoreChanges()
        first.replace(Self.job("a"))
        for number in 1...3 { first.write(Self.run("a", Int64(number))) }
        _ = try store.write(first)
        var second = StoreChanges()
        second.replace(Self.job("a", sequence: 9))
        second.write(Self.run("a", 1, outcome: nil))
        _ = try store.write(second)
        #expect(try store.runs(ofJob: "a", limit: nil).map(\.number) == [1])
        var removal = StoreChanges()
        removal.removeJob("a")
        _ = try store.write(removal)
        #expect(try store.load().isEmpty)
        #expect(try store.runs(ofJob: "a", limit: nil).isEmpty, "a job's runs go with it")
    }

    /// Pruning marks runs' logs as gone, once, and says which runs it marked.
    @Test func pruningMarksEachRunOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store.open(path: directory.path + "/state.db")
        var changes = StoreChanges()
        changes.replace(Self.job("a"))
        for number in 1...12 { changes.write(Self.run("a", Int64(number))) }
        _ = try store.write(changes)
        var prune = StoreChanges()
        prune.pruneLogs(jobID: "a", through: 2)
        #expect(try store.write(prune) == [RunKey(jobID: "a", number: 1), RunKey(jobID: "a", number: 2)])
        #expect(try store.write(prune).isEmpty, "already pruned")
        // A run written again from memory stays pruned.
        var rewrite = StoreChanges()
        rewrite.write(Self.run("a", 2))
        _ = try store.write(rewrite)
        #expect(try store.run(ofJob: "a", number: 2)?.logsPruned == true)
        #expect(try store.run(ofJob: "a", number: 3)?.logsPruned == false)
    }

    /// The job's copy of its latest run (what start-up reads) follows every kind of write:
    /// a run written with its job, a run written alone, a new run, a pruning.
    @Test func theLatestRunReadAtStartIsTheStoredOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store.open(path: directory.path + "/state.db")
        func expectAgreement(_ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let loaded = try #require(try store.load().first, sourceLocation: sourceLocation)
            let stored = try store.run(ofJob: "a", number: loaded.job.lastRun)
            #expect(loaded.latestRun == stored, "\(step)", sourceLocation: sourceLocation)
        }
        var changes = StoreChanges()
        changes.replace(Self.job("a"))
        _ = try store.write(changes)
        try expectAgreement("no run yet")
        #expect(try store.load().first?.latestRun == nil)

        changes = StoreChanges()
        changes.write(Self.job("a", lastRun: 1))
        changes.write(Self.run("a", 1, outcome: nil))
        _ = try store.write(changes)
        try expectAgreement("the first run, running")

        var lingering = Self.run("a", 1)
        lingering.groupMayLinger = true
        changes = StoreChanges()
        changes.write(lingering)
        _ = try store.write(changes)
        try expectAgreement("the run written alone")
        #expect(try store.load().first?.latestRun?.groupMayLinger == true)

        changes = StoreChanges()
        changes.write(Self.job("a", lastRun: 2))
        changes.write(Self.run("a", 2, outcome: .failure))
        _ = try store.write(changes)
        try expectAgreement("a second run")
        #expect(try store.load().first?.latestRun?.number == 2)

        changes = StoreChanges()
        changes.pruneLogs(jobID: "a", through: 2)
        _ = try store.write(changes)
        try expectAgreement("logs pruned")
        #expect(try store.load().first?.latestRun?.logsPruned == true)
    }

    @Test func aSummaryIsComputedFromTheRunsOnRecord() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store.open(path: directory.path + "/state.db")
        var changes = StoreChanges()
        changes.replace(Self.job("a"))
        changes.write(Self.run("a", 1))
        changes.write(Self.run("a", 2, outcome: .failure))
        changes.write(Self.run("a", 3))
        changes.write(Self.run("a", 4, outcome: .stopped))
        changes.write(Self.run("a", 5, outcome: nil))
        _ = try store.write(changes)
        #expect(try store.summary(ofJob: "a", excluding: nil) == RunSummary(
            runs: 5, successes: 2, failures: 1, successDurations: [100, 300], failureDurations: [200]))
        #expect(try store.summary(ofJob: "a", excluding: 3) == RunSummary(
            runs: 4, successes: 1, failures: 1, successDurations: [100], failureDurations: [200]))
        var removal = StoreChanges()
        removal.removeRun(jobID: "a", number: 3)
        _ = try store.write(removal)
        #expect(try store.run(ofJob: "a", number: 3) == nil)
        #expect(try store.summary(ofJob: "a", excluding: nil).runs == 4)
    }

    /// A write the disk cannot take (here: the database may not grow) fails as a whole,
    /// with a clear error, and leaves the database as it was; the same changes go in
    /// once there is room.
    @Test func aFullDiskWritesNothingHalfway() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store.open(path: directory.path + "/state.db")
        var first = StoreChanges()
        first.replace(Self.job("a"))
        first.write(Self.run("a", 1))
        _ = try store.write(first)
        let pages = try store.access { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        _ = try store.access { db in try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)") }
        var big = StoreChanges()
        for n in 0..<200 {
            var job = Self.job("j\(n)", sequence: Int64(n + 1))
            job.description = String(repeating: "x", count: 2000)
            big.replace(job)
            big.write(Self.run("j\(n)", 1))
        }
        big.write(Self.run("a", 1, outcome: .failure))
        let error = try #require(throws: StoreError.self) { try store.write(big) }
        #expect(error == StoreError(.full, "cannot write state database \(store.path): no space left on device"))
        #expect(try store.load().map(\.job.id) == ["a"], "nothing of the failed batch was written")
        #expect(try store.run(ofJob: "a", number: 1)?.outcome == .success)
        _ = try store.access { db in try Int.fetchOne(db, sql: "PRAGMA max_page_count = 1073741823") }
        _ = try store.write(big)
        #expect(try store.load().count == 201)
    }

    @Test func changesMergeNewerOverOlder() {
        var older = StoreChanges()
        older.replace(Self.job("a"))
        older.write(Self.run("a", 1, outcome: nil))
        older.pruneLogs(jobID: "a", through: 1)
        var newer = StoreChanges()
        newer.write(Self.run("a", 1))
        newer.write(Self.run("a", 2, outcome: nil))
        newer.pruneLogs(jobID: "a", through: 2)
        older.merge(newer)
        let entry = older.entries["a"]
        #expect(entry?.replacesStored == true && entry?.job == Self.job("a"))
        #expect(entry?.runs == [1: Self.run("a", 1), 2: Self.run("a", 2, outcome: nil)])
        #expect(entry?.pruneLogsThrough == 2)
        var removal = StoreChanges()
        removal.removeJob("a")
        older.merge(removal)
        #expect(older.entries["a"]?.replacesStored == true && older.entries["a"]?.job == nil)
        #expect(older.entries["a"]?.runs.isEmpty == true, "a removal drops what came before it")
    }
}
