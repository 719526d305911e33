import GobClient

/// Tails the selected job's two log files for the event loop: reads only what was appended, woken by inotify instead of re-reading
/// whole files every 500 ms. A rewritten (truncated) file is read again from its start.
final class LogFollower {
    /// Bytes read from a file at a time.
    static let chunkSize = 4 << 20
    /// Chunks read per file per wake-up, so a job writing faster than the TUI reads
    /// cannot hold the event loop: the rest is read on the next turn (`isBehind`).
    static let chunksPerRead = 16
    /// How often to look when a file could not be watched (missing, or no inotify).
    static let unwatchedInterval: Int32 = 500

    private(set) var source: LogSource?
    private var tails: [(stream: LogStream, tail: LogTail, watched: Bool)] = []
    private var watcher: FileWatcher?

    /// True when the last read stopped at its budget with more data waiting.
    private(set) var isBehind = false

    /// Readable when a watched file changed.
    var descriptor: Int32? { watcher?.descriptor }

    /// Milliseconds until the files must be looked at without a wake-up: 0 while
    /// behind, nil when inotify watches both.
    var pollInterval: Int32? {
        guard source != nil else { return nil }
        if isBehind { return 0 }
        if descriptor == nil { return FileWatcher.fallbackInterval }
        return tails.allSatisfy(\.watched) ? nil : Self.unwatchedInterval
    }

    /// Starts tailing `source` from the beginning of its files (nil: stops tailing) and
    /// returns what the files already hold.
    func follow(_ source: LogSource?) -> [Message] {
        self.source = source
        tails = []
        // A new inotify instance: dropping the old one removes its watches.
        watcher = nil
        guard let source else { return [] }
        let watcher = FileWatcher()
        self.watcher = watcher
        tails = [
            (.stdout, LogTail(path: source.stdoutPath), watcher.watch(source.stdoutPath)),
            (.stderr, LogTail(path: source.stderrPath), watcher.watch(source.stderrPath)),
        ]
        return read()
    }

    /// What was appended since the last read, as `.logData` messages.
    func read() -> [Message] {
        isBehind = false
        guard let source else { return [] }
        watcher?.drain()
        var messages: [Message] = []
        for index in tails.indices {
            if !tails[index].watched, let watcher {
                tails[index].watched = watcher.watch(tails[index].tail.path)
            }
            let (stream, tail, _) = tails[index]
            var pending: [UInt8] = []
            var restarted = false
            for chunk in 0..<Self.chunksPerRead {
                let (bytes, truncated) = tail.readAppended(limit: Self.chunkSize)
                if truncated {
                    // Whatever was read before belongs to the file's previous contents.
                    pending.removeAll()
                    restarted = true
                }
                if tail.takeDropped() {
                    // Said once, on a line of its own, where the kept output begins.
                    if let last = pending.last, last != 0x0A { pending.append(0x0A) }
                    pending.append(contentsOf: Array("(\(LogTail.droppedNotice(stream == .stdout ? "stdout" : "stderr")))\n".utf8))
                }
                pending.append(contentsOf: bytes)
                // More lines than a pane keeps: the older ones would be dropped anyway.
                if let start = LogPane.tailStart(of: pending, keepingLines: LogPane.capacity) {
                    pending.removeSubrange(..<start)
                    restarted = true
                }
                // Lines so long that few fit: only their ends can still be shown.
                if pending.count > 2 * Self.chunkSize {
                    pending.removeSubrange(..<(pending.count - Self.chunkSize))
                    restarted = true
                }
                if bytes.count < Self.chunkSize { break }
                if chunk == Self.chunksPerRead - 1 { isBehind = true }
            }
            if !pending.isEmpty || restarted {
                messages.append(.logData(jobID: source.jobID, stream: stream, bytes: pending, restarted: restarted))
            }
        }
        return messages
    }
}
