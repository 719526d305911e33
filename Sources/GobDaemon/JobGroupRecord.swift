#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol

/// The small file (`<rt>/daemon.jobs`) naming the daemon's live job process groups, so a
/// daemon starting after a crash can end what its predecessor left (Decision D14).
///
/// One line per group: `<pgid> <start time>`, where the start time is the leader's, in
/// clock ticks after boot (Linux `/proc/<pid>/stat` field 22).
public struct JobGroupRecord: Sendable {
    public struct Entry: Sendable, Equatable, Hashable {
        public var pgid: Int32
        public var startTime: UInt64

        public init(pgid: Int32, startTime: UInt64) {
            self.pgid = pgid
            self.startTime = startTime
        }
    }

    public let path: String
    /// The runtime directory the file is opened in, never through a symlink; nil: by
    /// `path` (tests).
    let directory: RuntimeDirectory?

    public init(path: String) {
        self.path = path
        directory = nil
    }

    /// The record `daemon.jobs` of the daemon's runtime directory.
    public init(directory: RuntimeDirectory) {
        path = directory.paths.jobRecord
        self.directory = directory
    }

    private func open(flags: Int32) -> Int32 {
        guard let directory else { return Glibc.open(path, flags | O_CLOEXEC, 0o600) }
        return (try? directory.open("daemon.jobs", flags: flags, mode: 0o600)) ?? -1
    }

    private func unlinkFile() {
        guard let directory else {
            _ = unlink(path)
            return
        }
        try? directory.remove("daemon.jobs")
    }

    /// Replaces the file's content with `entries`; removes the file when there are none.
    ///
    /// The new content is written over the old one and the file then cut to its length,
    /// never truncated to empty first: ext4 flushes a file truncated to zero and written
    /// again when it is closed ("replace via truncate"), which made this write ≈ 140 µs of
    /// every `add` and job exit on disk, against ≈ 7 µs this way. A daemon that dies in
    /// between leaves the new lines before a stale tail, whose groups recovery checks by
    /// start time like any other.
    public func write(_ entries: [Entry]) {
        guard !entries.isEmpty else {
            unlinkFile()
            return
        }
        var text = ""
        for entry in entries { text += "\(entry.pgid) \(entry.startTime)\n" }
        let bytes = Array(text.utf8)
        let fd = open(flags: O_WRONLY | O_CREAT)
        guard fd >= 0 else { return }
        defer { closeDescriptor(fd) }
        guard writeAll(fd, bytes) else { return }
        _ = ftruncate(fd, off_t(bytes.count))
    }

    /// The entries a previous daemon left; empty when there is no file.
    public func read() -> [Entry] {
        let fd = open(flags: O_RDONLY)
        guard fd >= 0 else { return [] }
        defer { closeDescriptor(fd) }
        let data = readAll(fd, limit: 16 << 20)
        var entries: [Entry] = []
        for line in data.split(separator: 0x0A) {
            let fields = line.split(separator: 0x20)
            guard fields.count == 2,
                  let pgid = Int32(String(decoding: fields[0], as: UTF8.self)), pgid > 1,
                  let start = UInt64(String(decoding: fields[1], as: UTF8.self))
            else { continue }
            entries.append(Entry(pgid: pgid, startTime: start))
        }
        return entries
    }

    public func remove() { unlinkFile() }

    /// The processes that provably belong to the recorded groups: a leader whose start time
    /// matches, or a member of the group that started no earlier than its leader. A PID
    /// reused by an unrelated process fails both tests and is never signalled.
    public static func survivors(of entries: [Entry]) -> [ProcessTable.Entry] {
        let byGroup = Dictionary(entries.map { ($0.pgid, $0.startTime) }, uniquingKeysWith: { a, _ in a })
        return ProcessTable.members(of: Set(byGroup.keys)).filter { process in
            guard let leaderStart = byGroup[process.pgid] else { return false }
            if process.pid == process.pgid { return process.startTime == leaderStart }
            // A member whose leader is gone or is still the recorded one.
            if let leader = ProcessTable.entry(of: process.pgid), leader.startTime != leaderStart { return false }
            return process.startTime >= leaderStart
        }
    }
}
