import GobProtocol
import GobSystem

/// Where the supervisor keeps the live job process groups for a daemon that starts after
/// a crash (`JobGroupRecord`). A seam, so that a test can stall or fail the write.
public protocol JobRecordWriter: Sendable {
    /// Replaces the record with `entries` (none: no record); throws when it could not.
    func write(_ entries: [JobGroupRecord.Entry]) throws(SystemError)
}
