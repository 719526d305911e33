import Foundation
@testable import GobDaemon
import GobProtocol
import GobSystem
import Testing

@Suite("Job groups an earlier daemon left")
struct JobGroupRecordTests {
    /// The file an earlier gob left is read, malformed lines skipped, and removed.
    @Test func readsAndRemovesAnEarlierVersionsRecord() throws {
        let path = NSTemporaryDirectory() + "gob-record-" + UUID().uuidString
        try "1234 99\nnot a line\n1 5\n5678 7\n".write(toFile: path, atomically: true, encoding: .utf8)
        let record = JobGroupRecord(path: path)
        #expect(record.read() == [.init(pgid: 1234, startTime: 99), .init(pgid: 5678, startTime: 7)])
        record.remove()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(record.read().isEmpty)
    }

    /// Through the runtime directory's descriptor, a symlink planted as the record is
    /// never followed.
    @Test func throughTheDirectoryASymlinkIsNotFollowed() throws {
        let base = NSTemporaryDirectory() + "gob-record-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let victim = base + "/victim"
        try "1234 99\n".write(toFile: victim, atomically: true, encoding: .utf8)
        let paths = RuntimePaths(directory: base)
        try FileManager.default.createSymbolicLink(atPath: paths.jobRecord, withDestinationPath: victim)
        let record = JobGroupRecord(directory: try RuntimeDirectory(paths: paths))
        #expect(record.read().isEmpty)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "1234 99\n")
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
