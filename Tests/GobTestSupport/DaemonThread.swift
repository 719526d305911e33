import Foundation
import GobSystem

/// One of a daemon's named threads (`gob-ready`, `gob-logs`, …), read through
/// `/proc/<pid>/task/<tid>/`: for the tests that check a thread stays asleep.
public struct DaemonThread: Sendable {
    /// `/proc/<pid>/task/<tid>/`.
    public let directory: String

    /// The thread of process `pid` whose name starts with `name`; nil when there is none.
    public init?(named name: String, in pid: pid_t) {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        guard let directory = tasks.map({ "/proc/\(pid)/task/\($0)/" }).first(where: {
            (try? String(contentsOfFile: $0 + "comm", encoding: .utf8))?.hasPrefix(name) == true
        }) else { return nil }
        self.directory = directory
    }

    /// Its context switches, voluntary and not: each wake-up is one.
    public var switches: Int? {
        guard let status = try? String(contentsOfFile: directory + "status", encoding: .utf8) else { return nil }
        return status.split(separator: "\n").filter { $0.contains("ctxt_switches:") }
            .compactMap { $0.split(separator: "\t").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
            .reduce(0, +)
    }

    /// Its CPU time, clock ticks (utime + stime).
    public var ticks: Int? {
        stat.map { Int($0.userTicks + $0.systemTicks) }
    }

    /// Whether it sleeps in `poll` (or `ppoll`) now. A thread that has just done some
    /// work finishes its round before it sleeps again; counting its switches only once
    /// this holds leaves that round's switches out.
    public var sleepsInPoll: Bool {
        guard stat?.state == UInt8(ascii: "S"),
              let call = try? String(contentsOfFile: directory + "syscall", encoding: .utf8),
              let number = call.split(separator: " ").first.flatMap({ Int($0) })
        else { return false }
        return Self.pollCalls.contains(number)
    }

    private var stat: ProcFS.Stat? {
        FileContents.read(directory + "stat", limit: 4096).flatMap { ProcFS.Stat(pid: 0, parsing: $0) }
    }

    /// The system call numbers of `poll` and `ppoll` on this architecture.
    private static var pollCalls: Set<Int> {
        #if arch(x86_64)
        [7, 271]
        #elseif arch(arm64)
        [73]
        #else
        []
        #endif
    }
}
