import Glibc
import SystemPackage

/// Small whole-file reads: files under `/proc`, a PID file, the tail of a log. Opened
/// through swift-system's `FileDescriptor` (close-on-exec, interruptions retried).
public enum FileContents {
    /// The file's first `limit` bytes; nil when it cannot be opened or read.
    public static func read(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        guard let fd = try? FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec) else { return nil }
        defer { try? fd.close() }
        return readAll(fd, limit: limit)
    }

    /// The last `count` bytes of the file (all of it when shorter); nil when it cannot be
    /// opened, or is empty.
    public static func tail(_ path: String, count: Int) -> [UInt8]? {
        guard let fd = try? FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec) else { return nil }
        defer { try? fd.close() }
        guard let size = try? fd.seek(offset: 0, from: .end), size > 0,
              (try? fd.seek(offset: max(0, size - Int64(count)), from: .start)) != nil
        else { return nil }
        return readAll(fd, limit: count)
    }

    /// Reads `fd` to its end, at most `limit` bytes; nil on a read error.
    private static func readAll(_ fd: FileDescriptor, limit: Int) -> [UInt8]? {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: min(max(limit, 1), 65_536))
        while data.count < limit {
            guard let count = try? chunk.withUnsafeMutableBytes({ try fd.read(into: $0) }) else { return nil }
            if count == 0 { break }
            data.append(contentsOf: chunk[0..<min(count, limit - data.count)])
        }
        return data
    }
}
