import Foundation
import Glibc
import GobSystem
import Testing
@testable import GobTUI

/// The TUI's log pane across a log whose oldest part was dropped (`LogHoles`).
@Suite("TUI log follower across a cut")
struct LogFollowerCutTests {
    @Test func saysOnceThatEarlierOutputWasDropped() throws {
        let directory = NSTemporaryDirectory() + "gob-tui-cut-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stdout = directory + "/out.log"
        let stderr = directory + "/err.log"
        #expect(FileManager.default.createFile(atPath: stderr, contents: nil))
        let fd = open(stdout, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        func append(_ text: String) {
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
        }
        for number in 1...1000 { append("line \(String(number).padding(toLength: 34, withPad: " ", startingAt: 0))\n") }
        #expect(LogHoles.drop(fd, through: 20_000) == nil)

        let follower = LogFollower()
        let first = follower.follow(LogSource(jobID: "k3v", stdoutPath: stdout, stderrPath: stderr))
        let text = first.compactMap { message -> String? in
            guard case let .logData(_, .stdout, bytes, _) = message else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }.joined()
        let lines = text.split(separator: "\n")
        #expect(lines.first == "(earlier stdout output was dropped: its log passed the max_stream limit of config.toml)")
        #expect(lines.dropFirst().first?.hasPrefix("line 501 ") == true, "then the first kept line: \(lines.prefix(2))")
        #expect(!text.contains("\u{0}"), "no zeros of the hole")

        // A second cut while following: nothing more is said.
        append("line 1001\n")
        #expect(LogHoles.drop(fd, through: 30_000) == nil)
        let next = follower.read().compactMap { message -> String? in
            guard case let .logData(_, .stdout, bytes, _) = message else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }.joined()
        #expect(next == "line 1001\n")
    }
}
