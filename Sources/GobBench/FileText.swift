#if canImport(Glibc)
import Glibc
#endif

/// Small whole-file reads (files under /proc, PID files, captured output).
enum FileText {
    /// The file's bytes, or nil when it cannot be opened.
    static func bytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return count == 0 ? result : nil }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    /// The file as UTF-8 text, or nil when it cannot be opened.
    static func read(_ path: String) -> String? {
        bytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The `errno` text, for messages.
    static func errorText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
