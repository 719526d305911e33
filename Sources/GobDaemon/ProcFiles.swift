import CGobShims
import Glibc

/// Small reads of `/proc` for the process-tree code: whole files into a reused buffer,
/// directory names, link targets. Each returns nil (or nothing) when the entry is gone or
/// not ours to read: a process may end between two reads, and that is never an error.
enum ProcFiles {
    /// The contents of `path`, at most `limit` bytes; nil when it cannot be opened or read.
    static func contents(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        contents(at: AT_FDCWD, path, limit: limit)
    }

    /// The contents of `path` relative to the directory `directory` (a process's
    /// `/proc/<pid>`, opened once: each file of it is then one short lookup, not a walk
    /// from `/proc`).
    static func contents(at directory: Int32, _ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        let fd = openat(directory, path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        var data: [UInt8] = []
        // A chunk on the stack: most of these files are a few hundred bytes, and a lookup
        // reads several per process. A `/proc` file fills each read as far as it has
        // text, so a read that comes back short has reached the end: no second read to
        // learn it (a tenth of a lookup's system calls).
        let complete = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8192) { chunk -> Bool in
            while data.count < limit {
                let asked = min(chunk.count, limit - data.count)
                let count = read(fd, chunk.baseAddress, asked)
                if count < 0 && errno == EINTR { continue }
                if count < 0 { return false }
                if count == 0 { break }
                data.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<count]))
                if count < asked && count < 4096 { break }
            }
            return true
        }
        return complete ? data : nil
    }

    /// The names in directory `path`, without `.` and `..`; empty when it cannot be read.
    static func names(in path: String) -> [String] {
        names(at: AT_FDCWD, path) ?? []
    }

    /// The names in `/proc` directory `path` relative to `directory`, with `visit` called
    /// for each while the directory is open (its descriptor, for `link(at:_:)`). Read with
    /// `getdents64` itself: `fdopendir` spent an `fstat` and two `fcntl` calls on each
    /// directory, a fifth of the system calls of a lookup that lists every process's
    /// descriptors.
    @discardableResult
    static func names(at directory: Int32, _ path: String, visit: ((Int32, String) -> Void)? = nil) -> [String]? {
        let fd = openat(directory, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        var names: [String] = []
        let complete = withUnsafeTemporaryAllocation(byteCount: 8192, alignment: 8) { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            while true {
                let filled = gob_getdents64(fd, base, UInt(buffer.count))
                if filled < 0 && errno == EINTR { continue }
                if filled < 0 { return false }
                if filled == 0 { return true }
                // struct linux_dirent64: d_ino (8 bytes), d_off (8), d_reclen (2), d_type (1), d_name.
                var offset = 0
                while offset + 19 <= filled {
                    let length = Int(base.loadUnaligned(fromByteOffset: offset + 16, as: UInt16.self))
                    guard length >= 19, offset + length <= filled else { return false }
                    let name = UnsafeRawBufferPointer(start: base + offset + 19, count: length - 19)
                    let bytes = name.prefix(while: { $0 != 0 })
                    if !(bytes.count == 1 && bytes[bytes.startIndex] == UInt8(ascii: "."))
                        && !(bytes.count == 2 && bytes.allSatisfy { $0 == UInt8(ascii: ".") }) {
                        names.append(String(decoding: bytes, as: UTF8.self))
                    }
                    offset += length
                }
                // `/proc` fills the buffer with as many entries as fit: room left for
                // the longest one (280 bytes) means there were no more, and the call
                // that would say so is saved (one per process of a lookup).
                if filled <= buffer.count - 280 { return true }
            }
        }
        guard complete else { return nil }
        if let visit {
            for name in names { visit(fd, name) }
        }
        return names
    }

    /// The target of the symbolic link `path`, as bytes; nil when it cannot be read.
    static func link(_ path: String) -> [UInt8]? {
        link(at: AT_FDCWD, path)
    }

    /// The target of the symbolic link `name` relative to `directory`.
    static func link(at directory: Int32, _ name: String) -> [UInt8]? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
            guard let base = buffer.baseAddress else { return nil }
            let count = readlinkat(directory, name, base, buffer.count)
            guard count >= 0 else { return nil }
            return UnsafeRawBufferPointer(start: base, count: count).map { $0 }
        }
    }

    /// Decimal PIDs in `bytes`, separated by spaces or line feeds (a `children` file).
    static func pids(in bytes: [UInt8]) -> [Int32] {
        var result: [Int32] = []
        var value: Int32 = 0
        var digits = 0
        for byte in bytes {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                value = value &* 10 &+ Int32(byte - UInt8(ascii: "0"))
                digits += 1
            } else {
                if digits > 0 { result.append(value) }
                value = 0
                digits = 0
            }
        }
        if digits > 0 { result.append(value) }
        return result
    }
}
