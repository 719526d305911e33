import Foundation
import Glibc
@testable import GobClient
import GobSystem
import Testing

/// Readers of a log whose oldest part the daemon dropped (`LogHoles`): a hole at the
/// start, the rest of the block the cut falls in zeroed, every offset unchanged.
@Suite("Log tail across a cut")
struct LogTailCutTests {
    let path = NSTemporaryDirectory() + "gob-cut-" + UUID().uuidString

    /// `count` lines `line <n>` padded to 40 bytes, from `from`.
    static func lines(_ from: Int, count: Int) -> String {
        (from..<(from + count)).map { "line " + String($0).padding(toLength: 34, withPad: " ", startingAt: 0) + "\n" }.joined()
    }

    func append(_ text: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        #expect(fd >= 0)
        defer { close(fd) }
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
    }

    /// Drops the first `length` bytes as the daemon does.
    func cut(through length: Int64) throws {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(LogHoles.drop(fd, through: length) == nil)
    }

    func keptStart() -> Int64 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        return LogHoles.keptStart(fd)
    }

    func read(_ tail: LogTail) -> String {
        var text = ""
        while true {
            let bytes = tail.readAppended().bytes
            if bytes.isEmpty { return text }
            text += String(decoding: bytes, as: UTF8.self)
        }
    }

    @Test func keptStartIsTheCutAtALineBoundary() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        try append(Self.lines(1, count: 500))
        #expect(keptStart() == 0, "a log never cut starts at 0")
        // 250 lines of 40 bytes: 10,000, inside the third block.
        try cut(through: 10_000)
        #expect(keptStart() == 10_000)
    }

    @Test func aFollowerPastTheCutLosesNothingAndIsNotTold() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tail = LogTail(path: path)
        try append(Self.lines(1, count: 300))
        #expect(read(tail) == Self.lines(1, count: 300))
        try cut(through: 8_000)
        try append(Self.lines(301, count: 100))
        #expect(read(tail) == Self.lines(301, count: 100), "no line written after the cut is lost")
        #expect(!tail.takeDropped(), "it read everything: nothing to tell")
    }

    @Test func aFollowerBehindTheCutSkipsToTheKeptOutputAndIsToldOnce() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tail = LogTail(path: path)
        try append(Self.lines(1, count: 100))
        #expect(read(tail) == Self.lines(1, count: 100))
        try append(Self.lines(101, count: 400))
        try cut(through: 12_000)
        #expect(read(tail) == Self.lines(301, count: 200), "from the first kept line, not the zeros before it")
        #expect(tail.takeDropped())
        #expect(!tail.takeDropped(), "told once")
        // Behind a second cut: skipped again, told no more.
        try append(Self.lines(501, count: 500))
        try cut(through: 30_000)
        try append(Self.lines(1001, count: 10))
        #expect(read(tail) == Self.lines(751, count: 260))
        #expect(!tail.takeDropped(), "still told only once")
    }

    @Test func aNewReaderStartsWhereTheKeptOutputStarts() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        try append(Self.lines(1, count: 1000))
        try cut(through: 20_000)
        let tail = LogTail(path: path)
        #expect(read(tail) == Self.lines(501, count: 500))
        #expect(tail.takeDropped())
        // A cut is not a rewrite: the tail does not start over.
        try append(Self.lines(1001, count: 1))
        let next = tail.readAppended()
        #expect(String(decoding: next.bytes, as: UTF8.self) == Self.lines(1001, count: 1) && !next.truncated)
    }

    @Test func lastLinesStopAtTheKeptOutput() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        try append(Self.lines(1, count: 1000))
        try cut(through: 20_000)
        #expect(LastLines.startOffset(ofLast: 10, inFileAt: path) == 40_000 - 400)
        #expect(LastLines.startOffset(ofLast: 900, inFileAt: path) == 20_000, "no more lines than are kept")
        let tail = LogTail(path: path)
        tail.resume(at: 20_000)
        #expect(read(tail) == Self.lines(501, count: 500))
        #expect(tail.takeDropped(), "the lines asked for reach into what was dropped")
    }
}
