import Foundation
import GRDB
import GobProtocol
@testable import GobStore
import GobTestSupport
import Testing

/// Opening the state database: a new one, one of every earlier schema version, and the
/// files gob must refuse without changing or deleting them.
@Suite("Opening the state database")
struct StoreOpeningTests {
    /// The directory of the schema fixtures.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    /// Every schema version gob has shipped, each with its fixture (`schema-<n>.sql`).
    static let versions = Array(1...Schema.version)

    /// A database made from fixture `version` in `directory`.
    static func database(fromFixture version: Int, in directory: TemporaryDirectory) throws -> String {
        let sql = try String(contentsOfFile: "\(fixtures)/schema-\(version).sql", encoding: .utf8)
        let path = directory.path + "/state.db"
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
        try queue.close()
        return path
    }

    @Test func aMissingFileBecomesAFreshDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store.open(path: directory.path + "/state.db")
        #expect(try store.load().isEmpty)
        let queue = try DatabaseQueue(path: store.path)
        let (application, version, journal) = try queue.read { db in
            (try Int32.fetchOne(db, sql: "PRAGMA application_id"), try Int.fetchOne(db, sql: "PRAGMA user_version"),
             try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        #expect(application == Store.applicationID && version == Schema.version && journal == "wal")
    }

    @Test func anEmptyFileBecomesAFreshDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/state.db"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        #expect(try Store.open(path: path).load().isEmpty)
    }

    /// Every schema version that was ever shipped opens with this gob, migrated, with its
    /// jobs, runs and summaries as they were.
    @Test("a database of every earlier schema opens and keeps its history", arguments: versions)
    func everyEarlierSchemaMigrates(version: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store.open(path: try Self.database(fromFixture: version, in: directory))
        let jobs = try store.load()
        #expect(jobs.map(\.job.id) == ["a26", "e7p", "q0z"])
        let make = try #require(jobs.first)
        #expect(make.job.command == ["make", "test"] && make.job.workdir == "/work/app")
        #expect(make.job.summary == RunSummary(
            runs: 4, successes: 3, failures: 1, successDurations: [1200, 1300, 1250], failureDurations: [400]))
        #expect(make.latestRun?.number == 4 && make.latestRun?.outcome == .success)
        #expect(jobs[1].job.description == "web UI on :5173")
        if version >= 2 {
            #expect(jobs[1].job.ready == ReadinessRule(log: "ready in", port: 5173, timeoutMilliseconds: 30_000))
            #expect(jobs[1].job.gobfileName == "web")
        } else {
            #expect(jobs[1].job.ready == nil && jobs[1].job.gobfileName == nil, "schema 1 had neither")
        }
        #expect(make.job.ready == nil && make.job.gobfileName == nil)
        #expect(jobs[2].job.command == ["echo", OSString(bytes: [0xFF])], "argv bytes come back as they were")
        #expect(try store.openRuns().map(\.id) == ["e7p-2"])
        #expect(try store.runs(ofJob: "a26", limit: nil).map(\.number) == [4, 3, 2, 1])
        #expect(try store.run(ofJob: "a26", number: 1)?.logsPruned == true)
    }

    /// A file that is not a database, or a damaged one: refused with the file named and
    /// how to move it aside; its bytes are left exactly as they were.
    @Test func aCorruptFileIsRefusedAndKept() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/state.db"
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) })
        #expect(FileManager.default.createFile(atPath: path, contents: garbage))
        let error = try #require(throws: StoreError.self) { try Store.open(path: path) }
        #expect(error.kind == .corrupt)
        #expect(error.description.hasPrefix("state database \(path) is damaged or not a database ("), "\(error)")
        #expect(error.description.contains("mv \(path) \(path).old"), "\(error)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage, "the file is untouched")
    }

    /// A database whose pages were damaged after it was written: refused when read.
    @Test func aDamagedDatabaseIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Self.database(fromFixture: 1, in: directory)
        // As gob leaves its databases: in WAL mode, everything checkpointed.
        try Store.open(path: path).close()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // Every page but the first (whose header stays valid): the tables' pages.
        for offset in 4096..<bytes.count { bytes[offset] = 0xA5 }
        try bytes.write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: StoreError.self) { try Store.open(path: path).load() }
        #expect(error.kind == .corrupt, "\(error)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes, "the file is untouched")
    }

    /// Another program's SQLite database is refused and never changed (not even put in
    /// WAL mode).
    @Test func anotherProgramsDatabaseIsRefusedAndUnchanged() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/state.db"
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')")
        }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = try #require(throws: StoreError.self) { try Store.open(path: path) }
        #expect(error.kind == .foreign)
        #expect(error.description.hasPrefix("\(path) is not gob's state database"), "\(error)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "the file is untouched")
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "never put in WAL mode")
    }

    /// A database a newer gob migrated further is refused with a clear error.
    @Test func aNewerSchemaIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/state.db"
        _ = try Store.open(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v\(Schema.version + 1)')")
            try db.execute(sql: "PRAGMA user_version = \(Schema.version + 1)")
        }
        try queue.close()
        let error = try #require(throws: StoreError.self) { try Store.open(path: path) }
        #expect(error.kind == .newerSchema)
        #expect(error.description.hasPrefix(
            "state database \(path) was written by a newer gob (schema version \(Schema.version + 1); "
                + "this gob knows up to \(Schema.version)): run the newer gob, or start over with an empty history: "
                + "move it aside with 'mv \(path) \(path).old'"), "\(error)")
    }
}
