/// Finds where one request ends in the bytes a client sends, looking at each byte once:
/// at a line feed, or where a top-level JSON object closes (a newline is optional). A
/// client that trickles its request byte by byte therefore costs one pass over it, not
/// a new parse of the whole buffer for each byte.
///
/// It only tracks strings, escapes and nesting depth; whether the bytes are valid JSON
/// is the parser's business once the end is found.
struct RequestFramer {
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var sawObject = false

    /// Feeds `bytes`; returns the index just past the request's last byte when it ends
    /// inside them (the line feed itself is excluded), nil when more is needed.
    mutating func end(in bytes: ArraySlice<UInt8>) -> Int? {
        for index in bytes.indices {
            let byte = bytes[index]
            if byte == 0x0A { return index }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                sawObject = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth <= 0, sawObject { return index + 1 }
            default:
                break
            }
        }
        return nil
    }
}
