#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small reads of `/proc` for the process-tree code: whole files into a reused buffer,
/// directory names, link targets. Each returns nil (or nothing) when the entry is gone or
/// not ours to read: a process may end between two reads, and that is never an error.
enum ProcFiles {
    /// The contents of `path`, at most `limit` bytes; nil when it cannot be opened or read.
    static func contents(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        var data: [UInt8] = []
        // A chunk on the stack: most of these files are a few hundred bytes, and a lookup
        // reads several per process.
        let complete = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8192) { chunk -> Bool in
            while data.count < limit {
                let count = read(fd, chunk.baseAddress, min(chunk.count, limit - data.count))
                if count < 0 && errno == EINTR { continue }
                if count < 0 { return false }
                if count == 0 { break }
                data.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<count]))
            }
            return true
        }
        return complete ? data : nil
    }

    /// The names in directory `path`, without `.` and `..`; empty when it cannot be read.
    static func names(in path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The target of the symbolic link `path`, as bytes; nil when it cannot be read.
    static func link(_ path: String) -> [UInt8]? {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink(path, &buffer, buffer.count)
        guard count >= 0 else { return nil }
        return buffer[0..<count].map { UInt8(bitPattern: $0) }
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
