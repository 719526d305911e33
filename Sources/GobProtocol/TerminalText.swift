/// Makes a job's output harmless for a terminal: a job may print escape sequences that
/// move the cursor, retitle the window, switch the screen or write the clipboard, and
/// bytes that are not UTF-8. The TUI shows every log line through this, and `run`,
/// `await` and the `-f` follows do when their output is a terminal.
///
/// Invalid UTF-8 becomes U+FFFD; escape sequences (CSI, OSC, DCS and the other string
/// sequences, two-byte escapes, their 8-bit C1 forms) are removed — except, when asked,
/// colour and style changes (`ESC [ … m`), which cannot do more than colour text; every
/// control character but line feed and tab (and, when asked, carriage return) is dropped.
///
/// Each call stands alone: a sequence cut at the end of `bytes` is dropped, so callers
/// pass whole lines.
public enum TerminalText {
    private static let escape: UInt8 = 0x1B
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    public static func sanitize(_ bytes: [UInt8], keepColors: Bool, keepCarriageReturns: Bool) -> [UInt8] {
        if isPlain(bytes) { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case escape:
                index = skipEscape(bytes, from: index + 1, keepColors: keepColors, into: &output)
            case 0x0A, 0x09:
                output.append(byte)
                index += 1
            case 0x0D:
                if keepCarriageReturns { output.append(byte) }
                index += 1
            case 0..<0x20, 0x7F:
                index += 1
            case 0x20..<0x7F:
                output.append(byte)
                index += 1
            default:
                let (decoded, length) = UTF8Scalar.decode(bytes, at: index)
                guard let scalar = decoded else {
                    output.append(contentsOf: replacement)
                    index += length
                    continue
                }
                switch scalar.value {
                case 0x9B:
                    index = skipControlSequence(bytes, from: index + length, keepColors: false, start: index, into: &output)
                case 0x90, 0x98, 0x9D, 0x9E, 0x9F:
                    index = skipString(bytes, from: index + length)
                case 0x80...0x9F:
                    index += length
                default:
                    output.append(contentsOf: bytes[index..<(index + length)])
                    index += length
                }
            }
        }
        return output
    }

    /// Printable ASCII, line feeds and tabs only: nothing to change.
    private static func isPlain(_ bytes: [UInt8]) -> Bool {
        for byte in bytes where (byte < 0x20 && byte != 0x0A && byte != 0x09) || byte >= 0x7F {
            return false
        }
        return true
    }

    /// What follows an ESC at `start`: `[` starts a control sequence; `]`, `P`, `X`, `^`,
    /// `_` a string ended by BEL or ST; otherwise intermediates (0x20–0x2F) and one final
    /// byte. Returns the index after it.
    private static func skipEscape(_ bytes: [UInt8], from start: Int, keepColors: Bool, into output: inout [UInt8]) -> Int {
        guard start < bytes.count else { return start }
        switch bytes[start] {
        case UInt8(ascii: "["):
            return skipControlSequence(bytes, from: start + 1, keepColors: keepColors, start: start - 1, into: &output)
        case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "X"), UInt8(ascii: "^"), UInt8(ascii: "_"):
            return skipString(bytes, from: start + 1)
        default:
            var index = start
            while index < bytes.count, (0x20...0x2F).contains(bytes[index]) { index += 1 }
            return min(index + 1, bytes.count)
        }
    }

    /// Parameters (0x30–0x3F) and intermediates (0x20–0x2F) up to the final byte
    /// (0x40–0x7E). An SGR sequence (`m`, plain numeric parameters) is copied when
    /// `keepColors`; everything else is dropped. `start` is where the sequence began.
    private static func skipControlSequence(_ bytes: [UInt8], from parameters: Int, keepColors: Bool, start: Int,
                                            into output: inout [UInt8]) -> Int {
        var index = parameters
        var plainParameters = true
        while index < bytes.count {
            let byte = bytes[index]
            if (0x40...0x7E).contains(byte) {
                if keepColors, byte == UInt8(ascii: "m"), plainParameters {
                    output.append(contentsOf: bytes[start...index])
                }
                return index + 1
            }
            guard (0x20...0x3F).contains(byte) else { return index }
            let isNumeric = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ";")
                || byte == UInt8(ascii: ":")
            if !isNumeric { plainParameters = false }
            index += 1
        }
        return index
    }

    /// An OSC/DCS-style string up to BEL, ST (ESC `\` or U+009C); returns the index after it.
    private static func skipString(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case 0x07: return index + 1
            case escape: return min(index + 2, bytes.count)
            case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0x9C: return index + 2
            default: index += 1
            }
        }
        return index
    }
}
