import Glibc
import GobProtocol
import GobSystem

/// One run being watched for its readiness line: its two logs, read from where the run
/// began, cut into lines and matched against the rule's pattern. Without a pattern (a
/// rule that waits for a port only, or whose line has matched while its port has not
/// yet), it reads nothing and only keeps the run's deadline. Owned by the watcher's
/// thread alone.
struct ReadinessWatch {
    /// One log of the run, with how far it was read and the start of a line not yet ended.
    struct Stream {
        let fd: Int32
        var offset: Int64 = 0
        var partial: [UInt8] = []
    }

    let id: String
    let pid: Int32
    /// Nil once nothing is left to match: only the deadline counts.
    var pattern: ExtendedRegex?
    /// When the watch gives up (`MonotonicClock`).
    let deadline: Int64
    var streams: [Stream]

    /// The longest line kept whole: a longer one is matched in pieces of this size, so a
    /// job printing without line feeds cannot grow the daemon's memory.
    static let longestLine = 64 * 1024
    /// Bytes read from one watch per turn, so one job writing fast cannot hold up the
    /// others' matches and timeouts; the rest is read at the next turn, without waiting.
    static let budget = 4 << 20

    /// What a turn of reading found.
    enum Scan {
        case matched
        /// Nothing matched; `more` when the budget ran out before the end of a log.
        case unmatched(more: Bool)
    }

    /// Reads what both logs gained and matches each completed line.
    mutating func scan() -> Scan {
        guard pattern != nil else { return .unmatched(more: false) }
        var budget = Self.budget
        var chunk = [UInt8](repeating: 0, count: 65_536)
        for index in streams.indices {
            var info = stat()
            // A log cut under the job (`: > log`) is read again from its start.
            if fstat(streams[index].fd, &info) == 0, Int64(info.st_size) < streams[index].offset {
                streams[index].offset = 0
                streams[index].partial.removeAll()
            }
            // Output dropped before it was read (the log passed its size limit): read on
            // from where the kept output begins.
            let kept = LogHoles.keptStart(streams[index].fd)
            if kept > streams[index].offset {
                streams[index].offset = kept
                streams[index].partial.removeAll()
            }
            while budget > 0 {
                let wanted = min(chunk.count, budget)
                let count = chunk.withUnsafeMutableBytes { pread(streams[index].fd, $0.baseAddress, wanted, off_t(streams[index].offset)) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                streams[index].offset += Int64(count)
                budget -= count
                if feed(chunk[0..<count], into: index) { return .matched }
            }
            if budget <= 0 { return .unmatched(more: true) }
        }
        return .unmatched(more: false)
    }

    /// Adds bytes to a stream's line; true as soon as a completed line matches.
    private mutating func feed(_ bytes: ArraySlice<UInt8>, into index: Int) -> Bool {
        var rest = bytes
        while let newline = rest.firstIndex(of: 0x0A) {
            let line = streams[index].partial + rest[rest.startIndex..<newline]
            streams[index].partial.removeAll(keepingCapacity: true)
            rest = rest[(newline + 1)...]
            if matches(line) { return true }
        }
        streams[index].partial.append(contentsOf: rest)
        while streams[index].partial.count >= Self.longestLine {
            let piece = Array(streams[index].partial.prefix(Self.longestLine))
            streams[index].partial.removeFirst(Self.longestLine)
            if matches(piece) { return true }
        }
        return false
    }

    /// Whether `line` matches, as a person would read it on a terminal: colours and other
    /// escape sequences removed, carriage returns dropped, bytes that are not UTF-8 made
    /// U+FFFD. A dev server that colours its "ready" line still matches a plain pattern.
    private func matches(_ line: [UInt8]) -> Bool {
        guard let pattern else { return false }
        return pattern.matches(TerminalText.sanitize(line, keepColors: false, keepCarriageReturns: false))
    }

    /// Releases the logs' descriptors.
    func close() {
        for stream in streams { _ = Glibc.close(stream.fd) }
    }

    /// Stops reading (the line has matched) and keeps only the deadline.
    mutating func keepDeadlineOnly() {
        close()
        streams = []
        pattern = nil
    }
}
