import GobSystem

/// Reads the OS process table (Linux `/proc`), to tell whether a PID still names the
/// process gob started and which processes are in a group.
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
        guard let stat = ProcFS.stat(of: pid) else { return nil }
        return Entry(pid: pid, pgid: stat.group, startTime: stat.startTime, state: stat.state)
    }

    /// This process's resident memory in bytes (`VmRSS`).
    public static func residentBytes() -> Int64? {
        ProcFS.residentBytes()
    }

    /// Every process whose group is one of `groups`.
    public static func members(of groups: Set<Int32>) -> [Entry] {
        guard !groups.isEmpty else { return [] }
        return ProcFS.processIDs().compactMap { pid in
            guard let entry = entry(of: pid), groups.contains(entry.pgid) else { return nil }
            return entry
        }
    }
}
