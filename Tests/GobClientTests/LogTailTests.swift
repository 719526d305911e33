import Foundation
@testable import GobClient
import Testing

@Suite("Log tail against a file being appended to and truncated")
struct LogTailTests {
    let path = NSTemporaryDirectory() + "gob-tail-" + UUID().uuidString

    func append(_ text: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    func truncate(to text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func read(_ tail: LogTail) -> String { String(decoding: tail.readAppended().bytes, as: UTF8.self) }

    @Test func readsOnlyWhatWasAppended() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tail = LogTail(path: path)
        #expect(read(tail) == "", "a missing file reads as nothing")
        try truncate(to: "one\n")
        #expect(read(tail) == "one\n")
        #expect(read(tail) == "")
        try append("two\nthr")
        #expect(read(tail) == "two\nthr")
        try append("ee\n")
        #expect(read(tail) == "ee\n")
    }

    @Test func startsOverWhenTheFileShrinks() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tail = LogTail(path: path)
        try truncate(to: "a long first run\n")
        _ = read(tail)
        try truncate(to: "new\n")
        let (bytes, truncated) = tail.readAppended()
        #expect(truncated)
        #expect(String(decoding: bytes, as: UTF8.self) == "new\n")
    }

    @Test func startsOverWhenTheFileWasRewrittenLonger() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tail = LogTail(path: path)
        try truncate(to: "run 1\n")
        _ = read(tail)
        try truncate(to: "run 2\nmore output\n")
        #expect(read(tail) == "run 2\nmore output\n", "not only the bytes past the old offset")
    }

    @Test func aRestartAnnouncementReadsIdenticalOutputAgainButNeverTwice() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tail = LogTail(path: path)
        try truncate(to: "Listening on 3000\n")
        #expect(read(tail) == "Listening on 3000\n")
        // A restart whose output is identical: only the event can tell.
        try truncate(to: "Listening on 3000\n")
        #expect(read(tail) == "")
        tail.restartAnnounced()
        #expect(read(tail) == "Listening on 3000\n")
        // A restart the tail noticed by itself: the announcement must not repeat it.
        try truncate(to: "x\n")
        #expect(read(tail) == "x\n")
        tail.restartAnnounced()
        #expect(read(tail) == "")
    }
}

@Suite("Line prefixer")
struct LinePrefixerTests {
    @Test func prefixesCompleteLinesAndFlushesThePartialOne() {
        var lines = LinePrefixer(prefix: "[id] ")
        #expect(String(decoding: lines.feed(Array("a\nb".utf8)), as: UTF8.self) == "[id] a\n")
        #expect(String(decoding: lines.feed(Array("c\n\nd".utf8)), as: UTF8.self) == "[id] bc\n[id] \n")
        #expect(String(decoding: lines.flush(), as: UTF8.self) == "[id] d\n")
        #expect(lines.flush().isEmpty)
    }
}
