import Glibc
import CGobShims
import GobSystem

/// What `/proc` says about the processes the tests started: which belong to a sandbox or
/// to a process group, and whether a PID is still a live (non-zombie) process.
///
/// Nothing here reads every `/proc` entry, so no helper gets slower on a machine with
/// thousands of processes. The test process makes itself the child subreaper of all it
/// starts: a daemon whose client exited, a job orphaned by a killed daemon, a tmux server,
/// stay its descendants. Walking `/proc/<pid>/task/<tid>/children` down from the test
/// process therefore finds every process a test started, and nothing else.
public enum ProcessScan {
    public struct Entry: Sendable, Equatable {
        public var pid: pid_t
        public var ppid: pid_t
        public var pgid: pid_t
        public var sid: pid_t
        public var state: Character
        /// Clock ticks after boot at which the process started.
        public var startTime: UInt64
        public var arguments: [String]
    }

    /// Makes the test process the subreaper of everything it starts; done once, before
    /// the first sandbox starts anything.
    public static let adoptsOrphans: Bool = gob_set_child_subreaper() == 0

    /// Every process below the test process whose environment contains `marker` (a
    /// `KEY=VALUE` entry).
    public static func processes(withEnvironment marker: String) -> [Entry] {
        tree(from: children(of: getpid())).filter { hasEnvironment($0.pid, marker) }
    }

    /// The processes of the sandbox whose marker is `marker`, parents first: those below
    /// the test process that carry it, and everything below them. A process that carries
    /// no marker (a helper a test started) is looked through, since a daemon it adopted
    /// is still the sandbox's; the processes below one that carries another sandbox's
    /// marker are that sandbox's, and not entered.
    public static func tree(marked marker: String) -> [Entry] {
        let variable = marker.prefix { $0 != "=" } + "="
        var result: [Entry] = []
        var queue = children(of: getpid()).map { (pid: $0, inherited: false) }
        var index = 0
        while index < queue.count {
            let (pid, inherited) = queue[index]
            index += 1
            guard let entry = entry(pid) else { continue }
            var ours = inherited
            if !ours {
                let environment = read("/proc/\(pid)/environ") ?? []
                let found = environment.split(separator: 0).first { $0.starts(with: variable.utf8) }
                if let found, !found.elementsEqual(marker.utf8) { continue }
                ours = found != nil
            }
            if ours { result.append(entry) }
            queue.append(contentsOf: children(of: pid).map { ($0, ours) })
        }
        return result
    }

    /// Every process below the test process, zombies excluded, whose process group is
    /// `pgid`.
    public static func members(ofGroup pgid: pid_t) -> [Entry] {
        tree(from: children(of: getpid())).filter { $0.pgid == pgid && $0.state != "Z" }
    }

    /// `roots` and all their descendants, each parent before its children.
    public static func tree(from roots: [pid_t]) -> [Entry] {
        var result: [Entry] = []
        var seen: Set<pid_t> = []
        var queue = roots
        var index = 0
        while index < queue.count {
            let pid = queue[index]
            index += 1
            guard seen.insert(pid).inserted, let entry = entry(pid) else { continue }
            result.append(entry)
            queue.append(contentsOf: children(of: pid))
        }
        return result
    }

    /// The children of `pid`: those of each of its threads.
    ///
    /// A child belongs to the thread that made it (or adopted it); when that thread ends,
    /// the child moves to another thread of the process, which may have been read
    /// already. The daemon's connection threads come and go, so the threads are read
    /// until two rounds in a row agree (at most five), and every child seen in any round
    /// is returned: a child that moved in the middle of one round is in the other.
    public static func children(of pid: pid_t) -> [pid_t] {
        var seen: [pid_t] = []
        var last: (threads: [pid_t], children: [pid_t])?
        for _ in 0..<5 {
            let tids = threads(of: pid)
            let found = tids.flatMap { tid in
                (read("/proc/\(pid)/task/\(tid)/children") ?? []).split(separator: 0x20).compactMap {
                    pid_t(String(decoding: $0, as: UTF8.self))
                }
            }
            for child in found where !seen.contains(child) { seen.append(child) }
            if let last, last.threads == tids, last.children == found { break }
            last = (tids, found)
        }
        return seen
    }

    /// Whether `pid`'s environment contains `marker`; false for zombies, whose
    /// environment is gone.
    public static func hasEnvironment(_ pid: pid_t, _ marker: String) -> Bool {
        guard let environ = read("/proc/\(pid)/environ") else { return false }
        return environ.split(separator: 0).contains { $0.elementsEqual(marker.utf8) }
    }

    /// True when `pid` names a process that is not a zombie. A multi-threaded process
    /// whose main thread is already a zombie still counts while another of its threads
    /// exits: until the last one has, its descriptors (a daemon's listening socket) stay
    /// open, and a client could still connect to them.
    public static func isLive(_ pid: pid_t) -> Bool {
        guard let entry = entry(pid) else { return false }
        if entry.state != "Z" { return true }
        return threads(of: pid).contains { $0 != pid }
    }

    /// True when every thread of `pid` is stopped (state `T`). `kill(pid, SIGSTOP)` wakes
    /// one thread, which stops the others once it runs; on a busy machine that can take a
    /// while, and until then the other threads go on serving (a daemon answers clients).
    public static func isStopped(_ pid: pid_t) -> Bool {
        let tids = threads(of: pid)
        return !tids.isEmpty && tids.allSatisfy { tid in
            let stat = FileContents.read("/proc/\(pid)/task/\(tid)/stat", limit: 4096).flatMap { ProcFS.Stat(pid: tid, parsing: $0) }
            return stat?.state == UInt8(ascii: "T")
        }
    }

    public static func entry(_ pid: pid_t) -> Entry? {
        guard let stat = read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = stat[(close + 1)...].split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
        // fields[0] is field 3 of stat(5), the state; ppid is 4, pgrp 5, session 6,
        // starttime 22.
        guard fields.count > 19, let state = fields[0].first, let ppid = pid_t(fields[1]), let pgid = pid_t(fields[2]),
              let sid = pid_t(fields[3]), let start = UInt64(fields[19])
        else { return nil }
        let arguments = (read("/proc/\(pid)/cmdline") ?? []).split(separator: 0).map {
            String(decoding: $0, as: UTF8.self)
        }
        return Entry(pid: pid, ppid: ppid, pgid: pgid, sid: sid, state: state, startTime: start, arguments: arguments)
    }

    /// Reaps the zombies among the test process's children that it adopted (they run in
    /// another session than the test process: daemons, their jobs, tmux servers). Nobody
    /// else waits for those; children the tests spawned themselves share the test
    /// process's session and are left to whoever waits for them.
    public static func reapAdoptedZombies() {
        let session = getsid(0)
        for pid in children(of: getpid()) {
            guard let entry = entry(pid), entry.state == "Z", entry.sid != session else { continue }
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
        }
    }

    /// The thread IDs of `pid`.
    private static func threads(of pid: pid_t) -> [pid_t] {
        guard let directory = opendir("/proc/\(pid)/task") else { return [] }
        defer { closedir(directory) }
        var tids: [pid_t] = []
        while let item = readdir(directory) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if let tid = pid_t(name) { tids.append(tid) }
        }
        return tids
    }

    static func read(_ path: String) -> [UInt8]? {
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
