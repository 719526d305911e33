import Glibc
import GobSystem

/// A file that receives the stderr of spawned commands, so a failure can quote it.
final class ErrorLog: Sendable {
    let path: String
    let fd: Int32

    /// Creates (or appends to) the log at `path`.
    init(path: String) throws(BenchError) {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BenchError("cannot open \(path): \(SystemError.last)") }
        self.path = path
    }

    deinit { close(fd) }

    /// Empties the log before a run (outside the measured window).
    func reset() {
        _ = ftruncate(fd, 0)
    }

    /// The last few hundred bytes written, trimmed, for an error message.
    func tail() -> String {
        let text = FileText.read(path) ?? ""
        let trimmed = text.split(whereSeparator: \.isNewline).suffix(3).joined(separator: " / ")
        return trimmed.count > 300 ? String(trimmed.suffix(300)) : trimmed
    }
}
