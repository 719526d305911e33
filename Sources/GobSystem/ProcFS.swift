import Glibc

/// What Linux's `/proc` says about processes: read in one place for the daemon (is this
/// PID still the job's process, which processes are in a group), the benchmark (CPU time,
/// memory) and the tests.
public enum ProcFS {
    /// `/proc/<pid>/stat`: the fields gob uses.
    public struct Stat: Sendable, Equatable {
        public var pid: Int32
        /// The state letter (field 3): `R`, `S`, `T`, `Z` (zombie), `X` (dead), …
        public var state: UInt8
        /// The parent's PID (field 4).
        public var parent: Int32
        /// The process group (field 5).
        public var group: Int32
        /// CPU time in user and in kernel mode, in clock ticks (fields 14 and 15).
        public var userTicks: UInt64
        public var systemTicks: UInt64
        /// Clock ticks after boot at which the process started (field 22): with the PID,
        /// what tells a process from a later one that got the same number.
        public var startTime: UInt64

        /// Not a zombie nor dead: a process that can still act.
        public var isLive: Bool { state != UInt8(ascii: "Z") && state != UInt8(ascii: "X") }

        /// Parses the text of a `stat` file. The command name (field 2) may hold spaces
        /// and parentheses, so the fields after it start behind the last `)`.
        public init?(pid: Int32, parsing bytes: [UInt8]) {
            guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
            let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
            // fields[0] is field 3.
            guard fields.count > 19, let state = fields[0].first,
                  let parent = Self.number(fields[1]).map(Int32.init(truncatingIfNeeded:)),
                  let group = Self.number(fields[2]).map(Int32.init(truncatingIfNeeded:)),
                  let user = Self.number(fields[11]), let system = Self.number(fields[12]),
                  let start = Self.number(fields[19])
            else { return nil }
            self.pid = pid
            self.state = state
            self.parent = parent
            self.group = group
            userTicks = user
            systemTicks = system
            startTime = start
        }

        /// A field's decimal digits (a leading `-` is read as 0: only `parent` of PID 0
        /// is ever negative); nil when it has anything else.
        private static func number(_ digits: ArraySlice<UInt8>) -> UInt64? {
            let body = digits.first == UInt8(ascii: "-") ? digits.dropFirst() : digits
            guard !body.isEmpty else { return nil }
            var value: UInt64 = 0
            for digit in body {
                guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
                let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                value = sum
            }
            return digits.first == UInt8(ascii: "-") ? 0 : value
        }
    }

    /// `/proc/<pid>/stat` parsed; nil when the process is gone (or `/proc` unreadable).
    public static func stat(of pid: Int32) -> Stat? {
        guard pid > 0, let bytes = FileContents.read("/proc/\(pid)/stat", limit: 4096) else { return nil }
        return Stat(pid: pid, parsing: bytes)
    }

    /// Resident memory of `pid` (this process when nil) in bytes, from `VmRSS` of
    /// `/proc/<pid>/status`; nil when unreadable.
    public static func residentBytes(of pid: Int32? = nil) -> Int64? {
        let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        guard let bytes = FileContents.read(path, limit: 1 << 16) else { return nil }
        for line in bytes.split(separator: 0x0A) where line.starts(with: "VmRSS:".utf8) {
            let digits = line.dropFirst(6).filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            guard let kib = Int64(String(decoding: digits, as: UTF8.self)) else { return nil }
            return kib * 1024
        }
        return nil
    }

    /// The PIDs of every process now (the numeric entries of `/proc`).
    public static func processIDs() -> [Int32] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var pids: [Int32] = []
        while let item = readdir(directory) {
            let pid = withUnsafeBytes(of: item.pointee.d_name) { raw -> Int32? in
                Int32(String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self))
            }
            if let pid { pids.append(pid) }
        }
        return pids
    }
}
