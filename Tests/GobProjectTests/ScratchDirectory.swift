import Foundation
import GobProtocol

/// A directory of the test's own under the temporary directory, removed at the end:
/// trees of projects, repositories and homes for the gobfile search.
final class ScratchDirectory {
    let path: String

    init() throws {
        // Resolved, so paths compare equal to what the search builds from them.
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
        path = base + "/gob-project-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `relative` below the scratch directory, as the search takes paths.
    func os(_ relative: String = "") -> OSString {
        OSString(relative.isEmpty ? path : path + "/" + relative)
    }

    func makeDirectory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/" + relative, withIntermediateDirectories: true)
    }

    /// Writes `text` to `relative`, making its directories.
    func write(_ relative: String, _ text: String) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }

    func write(_ relative: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path + "/" + relative))
    }
}
