import Glibc
import SystemPackage

/// Small whole-file reads: files under `/proc`, a PID file, the tail of a log. Opened,
/// positioned and closed through swift-system's `FileDescriptor` (close-on-exec,
/// interruptions retried); read by the one loop of `Descriptor`.
public enum FileContents {
    /// The file's first `limit` bytes; nil when it cannot be opened (a read error ends
    /// what is returned early).
    public static func read(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        guard let fd = try? FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec) else { return nil }
        defer { try? fd.close() }
        return Descriptor.readAll(fd.rawValue, limit: limit)
    }

    /// The last `count` bytes of the file (all of it when shorter); nil when it cannot be
    /// opened, or is empty.
    public static func tail(_ path: String, count: Int) -> [UInt8]? {
        guard let fd = try? FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec) else { return nil }
        defer { try? fd.close() }
        guard let size = try? fd.seek(offset: 0, from: .end), size > 0,
              (try? fd.seek(offset: max(0, size - Int64(count)), from: .start)) != nil
        else { return nil }
        return Descriptor.readAll(fd.rawValue, limit: count)
    }
}
