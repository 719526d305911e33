import Foundation
import GRDB
import GobProtocol
import GobSystem

/// gob's state database (`$XDG_STATE_HOME/gob/state.db`): every job, every run and what
/// their history adds up to, in SQLite through GRDB.
///
/// One connection (`DatabaseQueue`) in WAL mode with `synchronous=NORMAL`: a commit is a
/// write into the WAL, no `fsync`, so it costs microseconds and survives the daemon being
/// killed at any moment; the WAL's checksummed frames make a power loss leave a database
/// that opens and holds a state some client was told about, at worst missing the last
/// moments (the daemon syncs the WAL in the background right after each commit to keep
/// that short; see `WALFlusher`). Only one daemon opens it: the caller holds the state
/// directory's lock.
///
/// Nothing of GRDB or Foundation shows in this module's interface, so the daemon's other
/// code does not import them.
public final class Store: JobStore {
    public let path: String
    let queue: DatabaseQueue
    /// What `write` runs, prepared at the first write.
    let statements = WriteStatements()
    /// The database file as it was opened.
    private let identity: FileIdentity?

    /// `PRAGMA application_id` of gob's databases ("gob!"): tells gob's database from
    /// another program's SQLite file.
    static let applicationID: Int32 = 0x676F_6221

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
        identity = FileIdentity(path: path)
    }

    /// Whether `path` still names the file this store writes. False once it was deleted
    /// or replaced (the state directory removed under the daemon): every write then goes
    /// to a file no later daemon reads. (True when the file could not be told at open:
    /// never a reason to remake it.)
    public var isInPlace: Bool {
        guard let identity else { return true }
        return FileIdentity(path: path) == identity
    }

    /// The path of the write-ahead log next to the database.
    public var walPath: String { path + "-wal" }

    /// Opens (creating when missing) the database at `path` and brings its schema up to
    /// date. Refuses, without changing or deleting anything, a file that is not an SQLite
    /// database or a damaged one, another program's database, and a database of a newer
    /// gob; each error says how to move the file aside.
    public static func open(path: String) throws(StoreError) -> Store {
        // A database made now holds nothing yet: it is set up without waiting for the
        // disk (4 syncs, ≈ 4 ms of the first daemon's start). A power loss in those
        // milliseconds can at worst leave an empty file, made again, or a damaged one,
        // which the next daemon reports with how to move it aside; no history is lost.
        // (`stat` rather than FileManager, whose attributes are cast from `Any`: the
        // first such cast scans every protocol conformance in the executable.)
        var status = stat()
        let isNew = stat(path, &status) != 0 || status.st_size == 0
        var configuration = Configuration()
        configuration.label = "gob.store"
        configuration.foreignKeysEnabled = true
        // WAL is switched on below, once the file is known to be gob's: setting it on
        // another program's database would change that file.
        configuration.journalMode = .default
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw describe(error, path: path)
        }
        let store = Store(path: path, queue: queue)
        do {
            let current = try queue.writeWithoutTransaction { db in
                let current = try store.checkOwnership(db)
                if isNew { try db.execute(sql: "PRAGMA synchronous = OFF") }
                guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                    throw StoreError(.io, "cannot use state database \(path): it cannot be put in WAL mode")
                }
                return current
            }
            if !current { try Schema.migrator.migrate(queue) }
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw describe(error, path: path)
        }
        return store
    }

    /// Refuses a database that is not gob's or is of a newer schema; true when its schema
    /// is this gob's newest (every migration sets `user_version` with its tables, in one
    /// transaction), so the migrator need not look.
    private func checkOwnership(_ db: Database) throws -> Bool {
        let application = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        if application == Self.applicationID && version == Schema.version { return true }
        let objects = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
        if application != Self.applicationID && !(application == 0 && objects == 0) {
            throw StoreError(
                .foreign,
                "\(path) is not gob's state database (it belongs to another program); gob never changes or deletes it: "
                    + Self.moveAside(path))
        }
        if try version > Schema.version || Schema.migrator.hasBeenSuperseded(db) {
            throw StoreError(
                .newerSchema,
                "state database \(path) was written by a newer gob (schema version \(version); this gob knows up to "
                    + "\(Schema.version)): run the newer gob, or start over with an empty history: " + Self.moveAside(path))
        }
        return false
    }

    /// How to move the database (and its write-ahead log, when there is one) aside.
    static func moveAside(_ path: String) -> String {
        var hint = "move it aside with 'mv \(path) \(path).old'"
        if FileManager.default.fileExists(atPath: path + "-wal") {
            hint += " and 'mv \(path)-wal \(path).old-wal'"
        }
        return hint + "; the next gob command then starts with an empty history"
    }

    /// A GRDB or SQLite error in the user's words.
    static func describe(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else {
            return StoreError(.io, "cannot use state database \(path): \(error)")
        }
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StoreError(
                .corrupt,
                "state database \(path) is damaged or not a database (\(reason(of: error))); gob never deletes it: "
                    + moveAside(path))
        case .SQLITE_FULL:
            return StoreError(.full, "cannot write state database \(path): no space left on device")
        case .SQLITE_CANTOPEN:
            return StoreError(.io, "cannot open state database \(path): \(reason(of: error))")
        case .SQLITE_READONLY:
            return StoreError(.io, "cannot write state database \(path): it is read-only")
        default:
            return StoreError(.io, "cannot use state database \(path): \(reason(of: error))")
        }
    }

    /// SQLite's message, or the result code's when there is none.
    private static func reason(of error: DatabaseError) -> String {
        error.message ?? "\(error.resultCode)"
    }

    /// Closes the database (the daemon's shutdown): later accesses fail.
    public func close() {
        queue.inDatabase { _ in statements.finalize() }
        try? queue.close()
    }

    /// Runs `body` against the database and maps its errors.
    func access<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.inDatabase(body)
        } catch {
            throw Self.describe(error, path: path)
        }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it
    /// throws) and maps its errors.
    func transaction<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.write(body)
        } catch {
            throw Self.describe(error, path: path)
        }
    }
}
