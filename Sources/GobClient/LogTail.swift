import Glibc
import GobSystem

/// Reads what a job appends to one log file (docs/output.md, "Following"), starting over
/// from the beginning when the file was truncated or rewritten, or when its path now names
/// another file — each run of a job has log files of its own, and the job's `stdout_path`
/// is a link to the current run's, which `start`, `restart` and a reusing `add` or `run`
/// point at the new run — instead of waiting blindly past the old offset as upstream did.
public final class LogTail {
    public let path: String
    private var fd: Int32 = -1
    /// Device and inode of the file open as `fd`: which file the path named when opened.
    private var identity: (device: UInt64, inode: UInt64)?
    private var offset: Int64 = 0
    /// The first bytes read since the last start, to notice a rewrite that left the file
    /// at least as long as before.
    private var head: [UInt8] = []
    private static let headLength = 64
    /// Set when a read found the file rewritten; see `restartAnnounced()`.
    private var startedOverUnannounced = false
    /// The file's oldest part was dropped (it begins with a hole, see `LogHoles`): its
    /// beginning no longer tells a rewrite, and `head` is not kept.
    private var wasCut = false
    /// Output this tail had not read yet was dropped since the last `takeDropped()`.
    private var droppedUnannounced = false
    /// `takeDropped()` told of a drop in this file already.
    private var dropAnnounced = false
    /// What one read returns at most: followers loop over reads of this size, so a huge
    /// log passes through a small buffer instead of into memory.
    public static let chunk = 1 << 16

    public init(path: String) {
        self.path = path
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Whether the file could be opened (it may not exist yet).
    public var isOpen: Bool { fd >= 0 }

    /// Opens the file if it is not open yet; false when it does not exist (or cannot be read).
    @discardableResult
    public func open() -> Bool {
        if fd >= 0 { return true }
        fd = openForReading(path)
        guard fd >= 0 else { return false }
        var info = stat()
        identity = fstat(fd, &info) == 0 ? (UInt64(info.st_dev), UInt64(info.st_ino)) : nil
        return true
    }

    /// Opens the file the path names now when that is another file than the one open (a
    /// new run's); true when it did, and the tail starts over.
    private func followPath() -> Bool {
        guard fd >= 0, let identity else { return false }
        var info = stat()
        guard stat(path, &info) == 0, UInt64(info.st_dev) != identity.device || UInt64(info.st_ino) != identity.inode
        else { return false }
        close(fd)
        fd = -1
        self.identity = nil
        startOver()
        return open()
    }

    /// Forgets the position: the next read starts at the beginning of the file.
    public func startOver() {
        offset = 0
        head.removeAll()
        wasCut = false
        dropAnnounced = false
    }

    /// What a follower says, once, when output it had not read yet was dropped: `stream`
    /// is `stdout` or `stderr`.
    public static func droppedNotice(_ stream: String) -> String {
        "earlier \(stream) output was dropped: its log passed the max_stream limit of config.toml"
    }

    /// Whether output this tail had not read yet was dropped (the log passed its size
    /// limit): true once per file, however often its reader falls behind a cut, so a
    /// follower says so once.
    public func takeDropped() -> Bool {
        defer { droppedUnannounced = false }
        guard droppedUnannounced, !dropAnnounced else { return false }
        dropAnnounced = true
        return true
    }

    /// Skips the part of the file that was dropped (the kept output begins at `kept`),
    /// if the position lies in it.
    private func skip(toKept kept: Int64) {
        guard kept > 0 else { return }
        wasCut = true
        head.removeAll()
        if kept > offset {
            offset = kept
            droppedUnannounced = true
        }
    }

    /// Positions the tail at `position` of the file as it is now, as if everything before
    /// had been read (`--tail N` starts at the last N lines). The head is taken from the
    /// file's beginning, so a later rewrite is still noticed.
    public func resume(at position: Int64) {
        guard open(), position > 0 else { return }
        let kept = LogHoles.keptStart(fd)
        if kept > 0 {
            wasCut = true
            offset = max(position, kept)
            // The lines asked for reach back into what was dropped.
            if position <= kept { droppedUnannounced = true }
            return
        }
        var bytes = [UInt8](repeating: 0, count: Int(min(position, Int64(Self.headLength))))
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count == bytes.count else { return }
        head = bytes
        offset = position
    }

    /// Tells the tail that the job was restarted (its `job_started` event): the path now
    /// names the new run's file, or (a daemon of an earlier gob) the file was truncated.
    /// Starts over unless a read already noticed that, so the new output is printed once
    /// — also when it is identical to the old output and only the event can tell.
    public func restartAnnounced() {
        if startedOverUnannounced {
            startedOverUnannounced = false
        } else if !followPath() {
            startOver()
        }
    }

    /// What was appended since the last call, at most `limit` bytes (call again until it
    /// is empty for the rest). Empty when nothing is new. `truncated` tells that the file
    /// was found rewritten and reading restarted.
    public func readAppended(limit: Int = chunk) -> (bytes: [UInt8], truncated: Bool) {
        guard open() else { return ([], false) }
        var truncated = false
        if followPath() {
            startedOverUnannounced = true
            truncated = true
        }
        var info = stat()
        if fstat(fd, &info) == 0 {
            let size = Int64(info.st_size)
            let kept = LogHoles.keptStart(fd)
            if kept > 0 { wasCut = true }
            if size < offset || (!wasCut && !headMatches()) {
                startOver()
                startedOverUnannounced = true
                truncated = true
                if kept > 0 { wasCut = true }
            }
            skip(toKept: kept)
            if size <= offset { return ([], truncated) }
        }
        var output: [UInt8] = []
        let readFrom = offset
        var buffer = [UInt8](repeating: 0, count: min(limit, Self.chunk))
        while output.count < limit {
            let wanted = min(buffer.count, limit - output.count)
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, off_t(offset)) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            if !wasCut && head.count < Self.headLength {
                head.append(contentsOf: buffer[0..<min(count, Self.headLength - head.count)])
            }
            output.append(contentsOf: buffer[0..<count])
            offset += Int64(count)
        }
        // A cut made while reading turns the start of what was read into zeros: those
        // bytes were dropped, not written.
        if output.first == 0 {
            let kept = LogHoles.keptStart(fd)
            if kept > readFrom {
                output.removeFirst(Int(min(kept, offset) - readFrom))
                wasCut = true
                droppedUnannounced = true
                offset = max(offset, kept)
            }
        }
        return (output, truncated)
    }

    /// Whether the file this tail reads was deleted (its last name removed), or its path
    /// (the job's link to it) was, since it was opened: its job's output then goes where
    /// no one can read it.
    public var isDeleted: Bool {
        guard fd >= 0 else { return false }
        var info = stat()
        if fstat(fd, &info) == 0 && info.st_nlink == 0 { return true }
        return lstat(path, &info) != 0 && errno == ENOENT
    }

    private func headMatches() -> Bool {
        guard !head.isEmpty else { return true }
        var current = [UInt8](repeating: 0, count: head.count)
        let count = current.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        return count == head.count && current == head
    }
}

/// `open(2)` read-only, named apart from `LogTail.open()`.
private func openForReading(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_CLOEXEC)
}
