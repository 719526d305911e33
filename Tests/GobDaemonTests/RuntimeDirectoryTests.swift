import Foundation
@testable import GobDaemon
import GobProtocol
import GobSystem
import Testing

@Suite("Runtime directory handle")
struct RuntimeDirectoryTests {
    @Test func opensRelativeToTheDirectoryAndNeverThroughASymlink() throws {
        let base = try #require(mkdtemp(strdup("/tmp/grd-XXXXXX")).map { String(cString: $0) })
        defer { try? FileManager.default.removeItem(atPath: base) }
        let outside = base + "/outside"
        #expect(FileManager.default.createFile(atPath: outside, contents: Array("keep".utf8).withUnsafeBytes { Data($0) }))
        let rt = base + "/rt"
        #expect(mkdir(rt, 0o700) == 0)
        #expect(symlink(outside, rt + "/daemon.jobs") == 0)
        let directory = try RuntimeDirectory(paths: RuntimePaths(directory: rt))
        #expect(throws: SystemError(ELOOP)) { try directory.open("daemon.jobs", flags: O_WRONLY | O_TRUNC) }
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == "keep", "nothing was written through the link")

        let fd = try directory.open("daemon.log", flags: O_WRONLY | O_CREAT, mode: 0o600)
        close(fd)
        #expect(FileManager.default.fileExists(atPath: rt + "/daemon.log"))
        try directory.remove("daemon.log")
        try directory.remove("daemon.log")
        #expect(!FileManager.default.fileExists(atPath: rt + "/daemon.log"))
    }

    @Test func refusesASymlinkedDirectory() throws {
        let base = try #require(mkdtemp(strdup("/tmp/grd-XXXXXX")).map { String(cString: $0) })
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(mkdir(base + "/real", 0o700) == 0)
        #expect(symlink(base + "/real", base + "/rt") == 0)
        #expect(throws: SystemError.self) { try RuntimeDirectory(paths: RuntimePaths(directory: base + "/rt")) }
    }
}
