#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the OS process table (Linux `/proc`), to tell whether a PID still names the
/// process gob started (Decision D14) and which processes are in a group.
public enum ProcessTable {
    /// One process as `/proc/<pid>/stat` describes it.
    public struct Entry: Sendable, Equatable {
        public var pid: Int32
        public var pgid: Int32
        /// Clock ticks after boot at which the process started.
        public var startTime: UInt64
        /// The state letter of field 3: `R`, `S`, `T`, `Z` (zombie), `X` (dead), …
        public var state: UInt8 = UInt8(ascii: "?")

        /// Not a zombie nor dead: a process that can still act (and be stopped).
        public var isLive: Bool { state != UInt8(ascii: "Z") && state != UInt8(ascii: "X") }
    }

    /// Start time of `pid`, or nil when it is gone or the OS does not tell.
    public static func startTime(of pid: Int32) -> UInt64? {
        entry(of: pid)?.startTime
    }

    /// `/proc/<pid>/stat` parsed; nil when unreadable.
    public static func entry(of pid: Int32) -> Entry? {
        #if os(Linux)
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        // The command name (field 2) may contain spaces and parentheses: fields after it
        // start behind the last ')'.
        let bytes = buffer[0..<count]
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        // fields[0] is field 3 (state): pgrp is field 5, starttime field 22.
        guard fields.count > 19,
              let pgid = Int32(String(decoding: fields[2], as: UTF8.self)),
              let start = UInt64(String(decoding: fields[19], as: UTF8.self))
        else { return nil }
        return Entry(pid: pid, pgid: pgid, startTime: start, state: fields[0].first ?? UInt8(ascii: "?"))
        #else
        return nil
        #endif
    }

    /// This process's resident memory in bytes (Linux `VmRSS`); nil elsewhere.
    public static func residentBytes() -> Int64? {
        #if os(Linux)
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let text = String(decoding: readAll(fd, limit: 1 << 16), as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Int64(line.dropFirst(6).filter { $0.isNumber })
        else { return nil }
        return kib * 1024
        #else
        return nil
        #endif
    }

    /// Every process whose group is one of `groups`.
    public static func members(of groups: Set<Int32>) -> [Entry] {
        #if os(Linux)
        guard !groups.isEmpty, let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var result: [Entry] = []
        while let item = readdir(directory) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = Int32(name), let entry = entry(of: pid), groups.contains(entry.pgid) else { continue }
            result.append(entry)
        }
        return result
        #else
        return []
        #endif
    }
}
