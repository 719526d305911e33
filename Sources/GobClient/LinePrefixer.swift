/// Splits a byte stream into lines and prefixes each (contract §3.1, §3.3). A trailing
/// partial line is kept until it is completed, or until `flush` prints it with a newline
/// added (Decision D9: a last line without a newline is not lost).
public struct LinePrefixer {
    private let prefix: [UInt8]
    private var partial: [UInt8] = []

    public init(prefix: String) {
        self.prefix = Array(prefix.utf8)
    }

    /// The complete lines in `bytes` (with what was pending before), each prefixed.
    public mutating func feed(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            output.append(contentsOf: prefix)
            if !partial.isEmpty {
                output.append(contentsOf: partial)
                partial.removeAll()
            }
            output.append(contentsOf: bytes[start...newline])
            start = newline + 1
        }
        partial.append(contentsOf: bytes[start...])
        return output
    }

    /// The pending partial line, prefixed and ended with a newline; empty when none.
    public mutating func flush() -> [UInt8] {
        guard !partial.isEmpty else { return [] }
        defer { partial.removeAll() }
        return prefix + partial + [0x0A]
    }
}
