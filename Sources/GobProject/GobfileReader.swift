import Glibc
import GobProtocol
import GobSystem

/// Reads a gobfile's bytes safely for a long-lived reader (the daemon): never blocks on
/// something that is not a regular file (a FIFO planted at the path), never reads more
/// than `Gobfile.sizeLimit`, and tells which version of the file it read, so a cache can
/// tell when it changed.
public enum GobfileReader {
    /// Which version of a file was read: when any of these change, the file may have.
    public struct Identity: Sendable, Equatable, Hashable {
        public let device: UInt64
        public let inode: UInt64
        public let size: Int64
        public let modified: Int64
        public let changed: Int64

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        }
    }

    /// What was read, and which version of the file it was.
    public struct Contents: Sendable {
        public let bytes: [UInt8]
        public let identity: Identity
    }

    /// The identity of the file at `path` now, or nil when it cannot be examined.
    public static func identity(of path: OSString) -> Identity? {
        var info = stat()
        guard path.withCString({ stat($0, &info) }) == 0 else { return nil }
        return Identity(info)
    }

    public static func read(_ path: OSString) throws(GobfileError) -> Contents {
        let name = path.description
        let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) }
        guard fd >= 0 else { throw GobfileError(path: name, message: "cannot read: \(SystemError.last)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw GobfileError(path: name, message: "cannot read: \(SystemError.last)") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw GobfileError(path: name, message: "not a regular file") }
        guard info.st_size <= Gobfile.sizeLimit else {
            throw GobfileError(path: name, message: "too large (more than \(Gobfile.sizeLimit / 1024) KiB)")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw GobfileError(path: name, message: "cannot read: \(SystemError.last)")
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > Gobfile.sizeLimit {
                throw GobfileError(path: name, message: "too large (more than \(Gobfile.sizeLimit / 1024) KiB)")
            }
        }
        return Contents(bytes: bytes, identity: Identity(info))
    }
}
