import GobClient

/// Tails the selected job's two log files for the event loop (contract §6.1 as changed by
/// Decision D16): reads only what was appended, woken by inotify instead of re-reading
/// whole files every 500 ms. A rewritten (truncated) file is read again from its start.
final class LogFollower {
    /// Bytes read per message; the pane keeps only the last lines of each chunk.
    static let chunkSize = 1 << 20
    /// How often to look when a file could not be watched (missing, or no inotify).
    static let unwatchedInterval: Int32 = 500

    private(set) var source: LogSource?
    private var tails: [(stream: LogStream, tail: LogTail, watched: Bool)] = []
    private var watcher: FileWatcher?

    /// Readable when a watched file changed.
    var descriptor: Int32? { watcher?.descriptor }

    /// Milliseconds until the files must be looked at without a wake-up; nil when
    /// inotify watches both.
    var pollInterval: Int32? {
        guard source != nil else { return nil }
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
        guard let source else { return [] }
        watcher?.drain()
        var messages: [Message] = []
        for index in tails.indices {
            if !tails[index].watched, let watcher {
                tails[index].watched = watcher.watch(tails[index].tail.path)
            }
            let (stream, tail, _) = tails[index]
            while true {
                let (bytes, restarted) = tail.readAppended(limit: Self.chunkSize)
                if bytes.isEmpty && !restarted { break }
                messages.append(.logData(jobID: source.jobID, stream: stream, bytes: bytes, restarted: restarted))
                if bytes.count < Self.chunkSize { break }
            }
        }
        return messages
    }
}
