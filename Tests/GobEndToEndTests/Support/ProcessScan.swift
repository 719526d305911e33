#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What /proc says about processes: which belong to a sandbox, to a process group, and
/// whether a PID is still a live (non-zombie) process.
enum ProcessScan {
    struct Entry {
        var pid: pid_t
        var pgid: pid_t
        var state: Character
        var arguments: [String]
    }

    /// Every process whose environment contains `marker` (a `KEY=VALUE` entry).
    static func processes(withEnvironment marker: String) -> [Entry] {
        allPIDs().compactMap { pid in
            guard let environ = read("/proc/\(pid)/environ"),
                  environ.split(separator: 0).contains(where: { $0.elementsEqual(marker.utf8) }),
                  let entry = entry(pid)
            else { return nil }
            return entry
        }
    }

    /// Every process, zombies excluded, whose process group is `pgid`.
    static func members(ofGroup pgid: pid_t) -> [Entry] {
        allPIDs().compactMap { entry($0) }.filter { $0.pgid == pgid && $0.state != "Z" }
    }

    /// True when `pid` names a process that is not a zombie. A multi-threaded process
    /// whose main thread is already a zombie still counts while another of its threads
    /// exits: until the last one has, its descriptors (a daemon's listening socket) stay
    /// open, and a client could still connect to them.
    static func isLive(_ pid: pid_t) -> Bool {
        guard let entry = entry(pid) else { return false }
        if entry.state != "Z" { return true }
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return threads.contains { $0 != String(pid) }
    }

    static func entry(_ pid: pid_t) -> Entry? {
        guard let stat = read("/proc/\(pid)/stat").map({ String(decoding: $0, as: UTF8.self) }),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 3, let state = fields[0].first, let pgid = pid_t(fields[2]) else { return nil }
        let arguments = (read("/proc/\(pid)/cmdline") ?? []).split(separator: 0).map {
            String(decoding: $0, as: UTF8.self)
        }
        return Entry(pid: pid, pgid: pgid, state: state, arguments: arguments)
    }

    private static func allPIDs() -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }
    }

    private static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }
}
