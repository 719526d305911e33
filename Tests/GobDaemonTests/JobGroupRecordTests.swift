import Foundation
@testable import GobDaemon
import GobProtocol
import GobSystem
import Testing

@Suite("Job group record (D14)")
struct JobGroupRecordTests {
    @Test func writesReadsAndRemoves() throws {
        let path = NSTemporaryDirectory() + "gob-record-" + UUID().uuidString
        let record = JobGroupRecord(path: path)
        let entries = [JobGroupRecord.Entry(pgid: 1234, startTime: 99), JobGroupRecord.Entry(pgid: 5678, startTime: 7)]
        try record.write(entries)
        #expect(record.read() == entries)
        // Rewritten in place: a shorter content leaves no tail of the longer one.
        let longer = (1...50).map { JobGroupRecord.Entry(pgid: Int32(1000 + $0), startTime: UInt64($0) * 1_000_000) }
        try record.write(longer)
        #expect(record.read() == longer)
        try record.write(entries)
        #expect(record.read() == entries)
        try record.write([])
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(record.read().isEmpty)
    }

    /// A write that fails says why, instead of leaving the record silently stale.
    @Test func aFailedWriteThrows() throws {
        let directory = NSTemporaryDirectory() + "gob-record-" + UUID().uuidString
        let record = JobGroupRecord(path: directory + "/missing/daemon.jobs")
        #expect(throws: SystemError(ENOENT)) { try record.write([.init(pgid: 1234, startTime: 1)]) }
    }

    /// Through the runtime directory's descriptor, a symlink planted as the record is
    /// never followed.
    @Test func throughTheDirectoryASymlinkIsNotFollowed() throws {
        let base = NSTemporaryDirectory() + "gob-record-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let victim = base + "/victim"
        try "keep".write(toFile: victim, atomically: true, encoding: .utf8)
        let paths = RuntimePaths(directory: base)
        try FileManager.default.createSymbolicLink(atPath: paths.jobRecord, withDestinationPath: victim)
        let record = JobGroupRecord(directory: try RuntimeDirectory(paths: paths))
        #expect(throws: SystemError(ELOOP)) { try record.write([.init(pgid: 1234, startTime: 1)]) }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep")
    }

    @Test func onlyProcessesWithTheRecordedStartTimeSurvive() throws {
        let me = try #require(ProcessTable.entry(of: getpid()))
        let leader = try #require(ProcessTable.entry(of: me.pgid))
        let matching = JobGroupRecord.survivors(of: [.init(pgid: leader.pid, startTime: leader.startTime)])
        #expect(matching.contains { $0.pid == getpid() })
        let reused = JobGroupRecord.survivors(of: [.init(pgid: leader.pid, startTime: leader.startTime + 1)])
        #expect(reused.isEmpty, "a PID whose start time differs is somebody else's")
    }
}
