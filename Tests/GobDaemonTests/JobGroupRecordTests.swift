import Foundation
@testable import GobDaemon
import Testing

@Suite("Job group record (D14)")
struct JobGroupRecordTests {
    @Test func writesReadsAndRemoves() {
        let path = NSTemporaryDirectory() + "gob-record-" + UUID().uuidString
        let record = JobGroupRecord(path: path)
        let entries = [JobGroupRecord.Entry(pgid: 1234, startTime: 99), JobGroupRecord.Entry(pgid: 5678, startTime: 7)]
        record.write(entries)
        #expect(record.read() == entries)
        // Rewritten in place: a shorter content leaves no tail of the longer one.
        let longer = (1...50).map { JobGroupRecord.Entry(pgid: Int32(1000 + $0), startTime: UInt64($0) * 1_000_000) }
        record.write(longer)
        #expect(record.read() == longer)
        record.write(entries)
        #expect(record.read() == entries)
        record.write([])
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(record.read().isEmpty)
    }

    @Test func onlyProcessesWithTheRecordedStartTimeSurvive() throws {
        #if os(Linux)
        let me = try #require(ProcessTable.entry(of: getpid()))
        let leader = try #require(ProcessTable.entry(of: me.pgid))
        let matching = JobGroupRecord.survivors(of: [.init(pgid: leader.pid, startTime: leader.startTime)])
        #expect(matching.contains { $0.pid == getpid() })
        let reused = JobGroupRecord.survivors(of: [.init(pgid: leader.pid, startTime: leader.startTime + 1)])
        #expect(reused.isEmpty, "a PID whose start time differs is somebody else's")
        #endif
    }
}
