/// Splits a byte stream into lines and prefixes each. A trailing partial line is kept
/// until it is completed, or until `flush` prints it with a newline added (a last line
/// without a newline is not lost).
///
/// Memory stays bounded: a partial line longer than `maximumPending` is written out as
/// it is (prefixed once, at its start) instead of being held, so a log without line feeds
/// — a gigabyte from /dev/zero — never accumulates.
public struct LinePrefixer {
    /// The longest partial line held back.
    public static let maximumPending = 1 << 16
    private let prefix: [UInt8]
    private var partial: [UInt8] = []
    /// Whether the next byte starts a line (its prefix not yet written).
    private var atLineStart = true

    public init(prefix: String) {
        self.prefix = Array(prefix.utf8)
    }

    /// The complete lines in `bytes` (with what was pending before), each prefixed.
    public mutating func feed(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            if atLineStart { output.append(contentsOf: prefix) }
            if !partial.isEmpty {
                output.append(contentsOf: partial)
                partial.removeAll(keepingCapacity: true)
            }
            output.append(contentsOf: bytes[start...newline])
            atLineStart = true
            start = newline + 1
        }
        partial.append(contentsOf: bytes[start...])
        if partial.count > Self.maximumPending {
            if atLineStart { output.append(contentsOf: prefix) }
            output.append(contentsOf: partial)
            partial.removeAll(keepingCapacity: true)
            atLineStart = false
        }
        return output
    }

    /// The pending partial line, prefixed and ended with a newline; empty when none.
    public mutating func flush() -> [UInt8] {
        guard !partial.isEmpty || !atLineStart else { return [] }
        defer {
            partial.removeAll()
            atLineStart = true
        }
        return (atLineStart ? prefix : []) + partial + [0x0A]
    }
}
