import Glibc
import Foundation

/// A fresh empty directory under /tmp with a short path, for a test that needs files of
/// its own; `remove()` deletes it with everything in it.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "gt") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SpawnFailure(code: errno, path: "mkdtemp") }
        path = String(cString: made)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
