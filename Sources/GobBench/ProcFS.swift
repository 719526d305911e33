#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What /proc tells about other processes: state, CPU time, memory, working directory.
enum ProcFS {
    /// The fields of `/proc/<pid>/stat` after the parenthesised command name, which may
    /// itself contain spaces and parentheses; index 0 is the state (field 3 of proc(5)).
    private static func statFields(_ pid: pid_t) -> [Substring]? {
        guard let text = FileText.read("/proc/\(pid)/stat"),
              let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// True when the process no longer runs: no /proc entry, or a zombie nobody reaps
    /// (PID 1 in a container may not reap orphans such as a daemon that exited).
    static func isGone(_ pid: pid_t) -> Bool {
        guard let state = statFields(pid)?.first else { return true }
        return state == "Z" || state == "X"
    }

    /// Polls until `pid` is gone; false when it still runs after `timeout` seconds.
    static func waitUntilGone(_ pid: pid_t, timeout: Double) -> Bool {
        let deadline = Monotonic.deadline(seconds: timeout)
        while !isGone(pid) {
            if Monotonic.now() > deadline { return false }
            Monotonic.sleep(seconds: 0.002)
        }
        return true
    }

    /// User plus system CPU time in clock ticks (utime + stime, fields 14 and 15).
    static func cpuTicks(_ pid: pid_t) -> Int? {
        guard let fields = statFields(pid), fields.count > 12,
              let user = Int(fields[11]), let system = Int(fields[12])
        else { return nil }
        return user + system
    }

    /// Resident set size in KiB (`VmRSS` of /proc/<pid>/status).
    static func residentKiB(_ pid: pid_t) -> Int? {
        guard let text = FileText.read("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    /// Every live process whose working directory is `directory` or below it.
    static func processes(workingUnder directory: String) -> [pid_t] {
        allPIDs().filter { pid in
            guard pid != getpid(), !isGone(pid),
                  let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")
            else { return false }
            return cwd == directory || cwd.hasPrefix(directory + "/")
        }
    }

    /// Every live process whose command line has `argument` as one of its arguments.
    static func processes(withArgument argument: String) -> [pid_t] {
        allPIDs().filter { pid in
            guard pid != getpid(), !isGone(pid), let raw = FileText.bytes("/proc/\(pid)/cmdline") else { return false }
            return raw.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == argument }
        }
    }

    /// The numeric entries of /proc.
    private static func allPIDs() -> [pid_t] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { pid_t($0) }
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
