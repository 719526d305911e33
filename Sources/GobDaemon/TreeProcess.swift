import Glibc
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
    /// The inodes of the sockets it held open, when the lookup asked for them (nil when
    /// not asked, or when its descriptors could not be read).
    public var sockets: [UInt64]?

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
    /// parentheses: the fields after it start behind the last `)`. Read in place, field
    /// by field: a lookup parses one per process.
    static func parse(pid: Int32, stat bytes: [UInt8]) -> TreeProcess? {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close
        else { return nil }
        // Field 3 (state) is number 0 here; ppid 1, pgrp 2, session 3, utime 11, stime 12,
        // num_threads 17, starttime 19, rss 21.
        var numbers = [Int64](repeating: 0, count: 22)
        var state = UInt8(ascii: "?")
        var field = -1
        var value: Int64 = 0
        var negative = false
        var inField = false
        var index = close + 1
        while index <= bytes.count {
            let byte = index < bytes.count ? bytes[index] : UInt8(ascii: " ")
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") {
                if inField {
                    if field >= 1 && field < numbers.count { numbers[field] = negative ? -value : value }
                    inField = false
                    if field >= numbers.count - 1 { break }
                }
            } else {
                if !inField {
                    inField = true
                    field += 1
                    value = 0
                    negative = false
                    if field == 0 { state = byte }
                }
                if field >= 1 {
                    if byte == UInt8(ascii: "-") {
                        negative = true
                    } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                        value = value &* 10 &+ Int64(byte - UInt8(ascii: "0"))
                    } else {
                        return nil
                    }
                }
            }
            index += 1
        }
        guard field >= numbers.count - 1 else { return nil }
        return TreeProcess(
            pid: pid, ppid: Int32(truncatingIfNeeded: numbers[1]), pgid: Int32(truncatingIfNeeded: numbers[2]),
            sid: Int32(truncatingIfNeeded: numbers[3]), state: state,
            cpuTicks: UInt64(max(numbers[11], 0)) &+ UInt64(max(numbers[12], 0)), threads: Int(numbers[17]),
            startTime: UInt64(max(numbers[19], 0)), rssPages: numbers[21],
            name: String(decoding: bytes[(open + 1)..<close], as: UTF8.self))
    }

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
