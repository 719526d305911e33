import Glibc
import GobProtocol
import GobSystem

/// Job process groups a crashed daemon left, and which processes provably belong to them.
///
/// Earlier gob versions kept their live groups in a small file, `<rt>/daemon.jobs`, one
/// line per group: `<pgid> <start time>`, the leader's start time in clock ticks after
/// boot (Linux `/proc/<pid>/stat` field 22). This version keeps them in the store; the
/// file is still read (and removed) once, so a daemon replacing a crashed older one ends
/// what it left.
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
    /// When given, the file is opened and removed through this descriptor of `<rt>`,
    /// never by a path another user or a swapped symlink could redirect.
    private let directory: RuntimeDirectory?

    public init(path: String) {
        self.path = path
        directory = nil
    }

    /// The record in `directory`, reached through its descriptor.
    public init(directory: RuntimeDirectory) {
        path = directory.paths.jobRecord
        self.directory = directory
    }

    private var name: String { String(path.split(separator: "/").last ?? "daemon.jobs") }

    /// The entries a previous daemon left; empty when there is no file.
    public func read() -> [Entry] {
        guard let fd = try? openFile(O_RDONLY) else { return [] }
        defer { Descriptor.close(fd) }
        let data = Descriptor.readAll(fd, limit: 16 << 20)
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

    public func remove() { try? removeFile() }

    private func openFile(_ flags: Int32) throws(SystemError) -> Int32 {
        if let directory { return try directory.open(name, flags: flags, mode: 0o600) }
        let fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw SystemError.last }
        return fd
    }

    private func removeFile() throws(SystemError) {
        if let directory { return try directory.remove(name) }
        if unlink(path) != 0 && errno != ENOENT { throw SystemError.last }
    }

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
