#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol

/// One process of a job's tree as `/proc/<pid>/stat` describes it when it was found.
public struct TreeProcess: Sendable, Equatable {
    public var pid: Int32
    public var ppid: Int32
    public var pgid: Int32
    public var sid: Int32
    /// The state letter: `R`, `S`, `D`, `T`, `Z` (zombie), `X` (dead), …
    public var state: UInt8
    /// User and system CPU time, in clock ticks.
    public var cpuTicks: UInt64
    public var threads: Int
    /// Clock ticks after boot at which it started: with the PID, what names it.
    public var startTime: UInt64
    public var rssPages: Int64
    /// The kernel's name for it (`comm`), at most 15 bytes.
    public var name: String
    /// How far below the root it was found from: 0 for the job's main process and for
    /// processes the daemon adopted when their parent ended.
    public var depth: Int = 0

    public var identity: ProcessIdentity { ProcessIdentity(pid: pid, startTime: startTime) }

    /// Not a zombie nor dead: a process that can still act (and be stopped).
    public var isLive: Bool { state != UInt8(ascii: "Z") && state != UInt8(ascii: "X") }

    public init(
        pid: Int32, ppid: Int32, pgid: Int32, sid: Int32, state: UInt8, cpuTicks: UInt64, threads: Int,
        startTime: UInt64, rssPages: Int64, name: String, depth: Int = 0
    ) {
        self.pid = pid
        self.ppid = ppid
        self.pgid = pgid
        self.sid = sid
        self.state = state
        self.cpuTicks = cpuTicks
        self.threads = threads
        self.startTime = startTime
        self.rssPages = rssPages
        self.name = name
        self.depth = depth
    }

    /// `/proc/<pid>/stat` read and parsed; nil when the process is gone.
    public static func read(_ pid: Int32) -> TreeProcess? {
        guard pid > 0, let bytes = ProcFiles.contents("/proc/\(pid)/stat", limit: 4096) else { return nil }
        return parse(pid: pid, stat: bytes)
    }

    /// Parses the text of a `stat` file. The name (field 2) may hold spaces and
    /// parentheses: the fields after it start behind the last `)`.
    static func parse(pid: Int32, stat bytes: [UInt8]) -> TreeProcess? {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close
        else { return nil }
        let name = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        // fields[0] is field 3 (state); ppid 4, pgrp 5, session 6, utime 14, stime 15,
        // num_threads 20, starttime 22, rss 24.
        guard fields.count > 21,
              let ppid = Int32(text(fields[1])), let pgid = Int32(text(fields[2])), let sid = Int32(text(fields[3])),
              let utime = UInt64(text(fields[11])), let stime = UInt64(text(fields[12])),
              let threads = Int(text(fields[17])), let start = UInt64(text(fields[19])),
              let rss = Int64(text(fields[21]))
        else { return nil }
        return TreeProcess(
            pid: pid, ppid: ppid, pgid: pgid, sid: sid, state: fields[0].first ?? UInt8(ascii: "?"),
            cpuTicks: utime &+ stime, threads: threads, startTime: start, rssPages: rss, name: name)
    }

    private static func text(_ field: ArraySlice<UInt8>) -> String { String(decoding: field, as: UTF8.self) }

    /// The process as `gob ps` reports it, with its argv read now (none for a zombie).
    public func reported(ticksPerSecond: Int64, pageSize: Int64) -> JobProcess {
        var command: [OSString] = []
        if let bytes = ProcFiles.contents("/proc/\(pid)/cmdline", limit: 1 << 20), !bytes.isEmpty {
            var words = bytes.split(separator: 0, omittingEmptySubsequences: false)
            if words.last?.isEmpty == true { words.removeLast() }
            command = words.map { OSString(bytes: Array($0)) }
        }
        return JobProcess(
            pid: pid, ppid: ppid, pgid: pgid, state: String(UnicodeScalar(state)),
            cpuMilliseconds: Int64(cpuTicks) * 1000 / max(ticksPerSecond, 1), rssBytes: rssPages * pageSize,
            name: name, command: command, depth: depth)
    }
}
