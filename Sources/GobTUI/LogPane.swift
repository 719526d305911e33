/// The lines of one log pane and its scroll position.
///
/// Fed with the bytes appended to a log file; keeps only the last `capacity` non-empty
/// lines (sanitised, see `LogLine`), so a huge log costs bounded memory, and only those
/// are ever sanitised. A final line without a newline is shown and completed later.
public struct LogPane: Equatable, Sendable {
    /// Lines kept per pane.
    public static let capacity = 5000
    /// A line that grows past this many bytes without a newline is shown as complete.
    static let partialLimit = 64 * 1024

    public private(set) var lines: [String] = []
    /// Bytes after the last newline.
    private var partial: [UInt8] = []
    /// `partial`, sanitised; nil when it shows nothing.
    private var partialText: String?
    /// Index of the first visible line.
    public var top = 0

    public init() {}

    /// Every displayable line, the unfinished last one included. Empty lines are left
    /// out, as upstream does.
    public var displayLines: [String] {
        guard let partialText else { return lines }
        return lines + [partialText]
    }

    public var lineCount: Int { lines.count + (partialText == nil ? 0 : 1) }

    /// True when nothing has been shown yet.
    public var isEmpty: Bool { lineCount == 0 }

    /// Forgets everything (another job, or the file was rewritten).
    public mutating func reset() {
        self = LogPane()
    }

    /// Adds bytes appended to the file.
    public mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        var data = partial
        data.append(contentsOf: bytes)
        let lastNewline = data.lastIndex(of: 0x0A)
        var completeEnd = lastNewline.map { $0 + 1 } ?? 0
        if data.count - completeEnd > Self.partialLimit { completeEnd = data.count }
        if completeEnd > 0 { appendLines(data[0..<completeEnd]) }
        partial = Array(data[completeEnd...])
        let text = LogLine.sanitize(partial)
        partialText = text.isEmpty ? nil : text
    }

    /// Sanitises and keeps the complete lines of `data`, only the last `capacity` of them.
    private mutating func appendLines(_ data: ArraySlice<UInt8>) {
        var ends: [Int] = []
        var index = data.endIndex
        // Walk back over at most `capacity` lines; older ones would be dropped anyway.
        var start = data.startIndex
        while index > data.startIndex, ends.count < Self.capacity {
            ends.append(index)
            let searchEnd = index - 1
            if let newline = data[data.startIndex..<searchEnd].lastIndex(of: 0x0A) {
                index = newline + 1
            } else {
                index = data.startIndex
            }
            start = index
        }
        var fresh: [String] = []
        fresh.reserveCapacity(ends.count)
        var lineStart = start
        for end in ends.reversed() {
            var lineEnd = end
            if lineEnd > lineStart, data[lineEnd - 1] == 0x0A { lineEnd -= 1 }
            let text = LogLine.sanitize(data[lineStart..<lineEnd])
            if !text.isEmpty { fresh.append(text) }
            lineStart = end
        }
        lines.append(contentsOf: fresh)
        if lines.count > Self.capacity {
            let dropped = lines.count - Self.capacity
            lines.removeFirst(dropped)
            top = max(0, top - dropped)
        }
    }

    /// Where the last `count` newline-terminated lines of `bytes` (and any unfinished line
    /// after them) begin; nil when `bytes` holds no more lines than that. Lets a reader
    /// drop what a pane would drop anyway before handing bytes over.
    static func tailStart(of bytes: [UInt8], keepingLines count: Int) -> Int? {
        var newlines = 0
        var index = bytes.endIndex
        while index > bytes.startIndex {
            index -= 1
            if bytes[index] == 0x0A {
                newlines += 1
                if newlines > count { return index + 1 }
            }
        }
        return nil
    }

    /// The largest `top` for a viewport of `height` rows.
    func maximumTop(height: Int) -> Int {
        max(0, lineCount - max(height, 0))
    }

    /// Moves `top` by `delta` rows within bounds; true when it ends at the bottom.
    @discardableResult
    mutating func scroll(by delta: Int, height: Int) -> Bool {
        top = min(max(0, top + delta), maximumTop(height: height))
        return top >= maximumTop(height: height)
    }

    /// Shows the last lines.
    mutating func scrollToBottom(height: Int) {
        top = maximumTop(height: height)
    }
}
