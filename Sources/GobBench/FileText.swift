import Glibc
import GobSystem

/// Small whole-file reads as text (files under /proc, PID files, captured output), and
/// errno in words for the benchmark's messages.
enum FileText {
    /// The file's bytes (up to 16 MiB), or nil when it cannot be read.
    static func bytes(_ path: String) -> [UInt8]? {
        FileContents.read(path, limit: 16 << 20)
    }

    /// The file as UTF-8 text, or nil when it cannot be read.
    static func read(_ path: String) -> String? {
        bytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The `errno` text, for messages.
    static func errorText(_ code: Int32 = errno) -> String {
        SystemError(code).description
    }
}
