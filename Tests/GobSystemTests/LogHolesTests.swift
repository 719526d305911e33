import Glibc
import GobSystem
import Testing

/// Dropping a log's beginning on the file systems logs live on here: ext4 (`/tmp`, where
/// `~/.local/state` is) and tmpfs (`/dev/shm`, like `/run/user`).
@Suite("Log holes")
struct LogHolesTests {
    @Test(arguments: ["/tmp", "/dev/shm"])
    func aDroppedBeginningKeepsSizeAndOffsets(directory: String) throws {
        var template = Array("\(directory)/gob-holes-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        try #require(fd >= 0)
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer {
            close(fd)
            unlink(path)
        }
        let line = Array("0123456789abcdefghijklmnopqrstuvwxyz01234\n".utf8)  // 42 bytes
        var text: [UInt8] = []
        for _ in 0..<1000 { text += line }
        #expect(text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == text.count)
        #expect(LogHoles.keptStart(fd) == 0, "never cut")

        // 500 lines: 21,000 bytes, inside the sixth 4 KiB block.
        #expect(LogHoles.drop(fd, through: 21_000) == nil)
        var info = stat()
        #expect(fstat(fd, &info) == 0 && info.st_size == 42_000, "the size is kept")
        #expect(LogHoles.keptStart(fd) == 21_000, "the kept output begins at the cut")
        var byte: UInt8 = 1
        #expect(pread(fd, &byte, 1, 100) == 1 && byte == 0, "the dropped part reads as zeros")
        var kept = [UInt8](repeating: 0, count: line.count)
        #expect(kept.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 21_000) } == line.count && kept == line)
        #expect(info.st_blocks * 512 < 42_000, "the dropped blocks no longer take space")

        // A second cut further on.
        #expect(LogHoles.drop(fd, through: 33_600) == nil)
        #expect(LogHoles.keptStart(fd) == 33_600)
    }
}
