import Foundation
@testable import GobClient
import Testing

/// `--tail N`: where the last N lines start, found from the end of the file.
@Suite("Last lines of a log")
struct LastLinesTests {
    let path = NSTemporaryDirectory() + "gob-last-" + UUID().uuidString

    func write(_ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// What `--tail count` prints of the file.
    func tail(_ count: Int) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let offset = Int(LastLines.startOffset(ofLast: count, inFileAt: path))
        return String(decoding: data[offset...], as: UTF8.self)
    }

    @Test func smallFiles() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        try write(Array("one\ntwo\nthree\n".utf8))
        #expect(try tail(0) == "")
        #expect(try tail(1) == "three\n")
        #expect(try tail(2) == "two\nthree\n")
        #expect(try tail(3) == "one\ntwo\nthree\n")
        #expect(try tail(50) == "one\ntwo\nthree\n")

        try write(Array("one\ntwo\nno newline".utf8))
        #expect(try tail(1) == "no newline", "a last line without a line feed counts")
        #expect(try tail(2) == "two\nno newline")

        try write(Array("a\n\n\nb\n".utf8))
        #expect(try tail(2) == "\nb\n", "empty lines are lines")
        #expect(try tail(4) == "a\n\n\nb\n")

        try write([])
        #expect(try tail(5) == "")
        #expect(LastLines.startOffset(ofLast: 3, inFileAt: path + ".missing") == 0)
    }

    @Test func linesAcrossChunkBoundaries() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Lines of 99 bytes + LF, so boundaries of the 64 KiB chunks fall inside lines.
        let line = Array(repeating: UInt8(ascii: "x"), count: 99) + [0x0A]
        let count = 3 * LastLines.chunk / line.count
        try write(Array((0..<count).map { _ in line }.joined()))
        for wanted in [1, 655, 656, 1000, count - 1, count, count + 1] {
            let expected = min(wanted, count) * line.count
            let offset = LastLines.startOffset(ofLast: wanted, inFileAt: path)
            #expect(offset == Int64(count * line.count - expected), "\(wanted) lines")
        }
    }

    @Test func resumeSkipsWhatIsThereAndStillNoticesARewrite() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        try write(Array("1\n2\n3\n".utf8))
        let tail = LogTail(path: path)
        tail.resume(at: LastLines.startOffset(ofLast: 1, inFileAt: path))
        #expect(String(decoding: tail.readAppended().bytes, as: UTF8.self) == "3\n")
        try write(Array("new run\n".utf8))
        let (bytes, truncated) = tail.readAppended()
        #expect(truncated)
        #expect(String(decoding: bytes, as: UTF8.self) == "new run\n")
    }
}
