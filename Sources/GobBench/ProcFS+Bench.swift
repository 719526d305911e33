import Foundation
import Glibc
import GobSystem

/// What the benchmark asks `/proc` about other processes: gone or not, CPU time, memory,
/// where they work, what they were started with.
extension ProcFS {
    /// True when the process no longer runs: no /proc entry, or a zombie nobody reaps
    /// (PID 1 in a container may not reap orphans such as a daemon that exited).
    static func isGone(_ pid: pid_t) -> Bool {
        stat(of: pid)?.isLive != true
    }

    /// Polls until `pid` is gone; false when it still runs after `timeout` seconds.
    static func waitUntilGone(_ pid: pid_t, timeout: Double) -> Bool {
        let deadline = MonotonicClock.deadline(seconds: timeout)
        while !isGone(pid) {
            if MonotonicClock.now() > deadline { return false }
            MonotonicClock.sleep(milliseconds: 2)
        }
        return true
    }

    /// User plus system CPU time in clock ticks.
    static func cpuTicks(_ pid: pid_t) -> Int? {
        stat(of: pid).map { Int($0.userTicks + $0.systemTicks) }
    }

    /// Resident set size in KiB.
    static func residentKiB(_ pid: pid_t) -> Int? {
        residentBytes(of: pid).map { Int($0 / 1024) }
    }

    /// Every live process whose working directory is `directory` or below it.
    static func processes(workingUnder directory: String) -> [pid_t] {
        processIDs().filter { pid in
            guard pid != getpid(), !isGone(pid),
                  let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")
            else { return false }
            return cwd == directory || cwd.hasPrefix(directory + "/")
        }
    }

    /// Every live process whose command line has `argument` as one of its arguments.
    static func processes(withArgument argument: String) -> [pid_t] {
        processIDs().filter { pid in
            guard pid != getpid(), !isGone(pid), let raw = FileText.bytes("/proc/\(pid)/cmdline") else { return false }
            return raw.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == argument }
        }
    }

    /// The CPU model from /proc/cpuinfo (`model name`), or "unknown CPU".
    static func cpuModel() -> String {
        let text = FileText.read("/proc/cpuinfo") ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown CPU"
    }
}
