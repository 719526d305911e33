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

    /// The names in directory `path` relative to `directory`, with `visit` called for
    /// each while the directory is open (its descriptor, for `link(at:_:)`).
    @discardableResult
    static func names(at directory: Int32, _ path: String, visit: ((Int32, String) -> Void)? = nil) -> [String]? {
        let fd = openat(directory, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard let stream = fdopendir(fd) else {
            _ = close(fd)
            return nil
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        if let visit {
            let descriptor = dirfd(stream)
            for name in names { visit(descriptor, name) }
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
