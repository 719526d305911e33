import Glibc

/// Reading without building values: a decoder walks objects and arrays member by member
/// and reads only what it needs, with the tree parser's own checks and errors.
extension JSONParser {
    /// The byte at the reading position, if any: what kind of value comes next.
    var next: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Reads the object whose `{` is at the reading position, `depth` levels deep (as
    /// `parseValue` counts them), calling `member` with each key and the parser at the
    /// member's value, which `member` must read: with `parseValue(depth: depth)`, or a
    /// walk `depth + 1` deep. `parseObject` is this walk, so a decoder built on it
    /// accepts and refuses exactly what the tree parser does, with the same errors.
    mutating func walkObject(
        depth: Int, _ member: (inout JSONParser, String) throws(JSONError) -> Void
    ) throws(JSONError) {
        try walkMembers(depth: depth, key: { parser throws(JSONError) in try parser.parseString() }, member)
    }

    /// `walkObject` handing each key over as `scanString` reads it, without a `String`.
    mutating func walkObject(
        depth: Int, rawKeys member: (inout JSONParser, (contents: Range<Int>, plain: Bool)) throws(JSONError) -> Void
    ) throws(JSONError) {
        try walkMembers(depth: depth, key: { parser throws(JSONError) in try parser.scanString() }, member)
    }

    /// The object walk both `walkObject`s share; `readKey` reads each key at its quote.
    private mutating func walkMembers<Key>(
        depth: Int, key readKey: (inout JSONParser) throws(JSONError) -> Key,
        _ member: (inout JSONParser, Key) throws(JSONError) -> Void
    ) throws(JSONError) {
        guard depth <= JSON.maximumDepth else { throw JSONError("exceeded max depth") }
        index += 1
        skipWhitespace()
        guard index < bytes.count else { throw JSONError("unexpected EOF") }
        if bytes[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw JSONError("unexpected EOF") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw JSONError("invalid character \(quoted(bytes[index])) looking for beginning of object key string")
            }
            let key = try readKey(&self)
            skipWhitespace()
            guard index < bytes.count else { throw JSONError("unexpected EOF") }
            guard bytes[index] == UInt8(ascii: ":") else {
                throw JSONError("invalid character \(quoted(bytes[index])) after object key")
            }
            index += 1
            skipWhitespace()
            try member(&self, key)
            skipWhitespace()
            guard index < bytes.count else { throw JSONError("unexpected EOF") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return
            default:
                throw JSONError("invalid character \(quoted(bytes[index])) after object key:value pair")
            }
        }
    }

    /// Reads the array whose `[` is at the reading position like `walkObject`: `element`
    /// is called at each element, which it must read.
    mutating func walkArray(depth: Int, _ element: (inout JSONParser) throws(JSONError) -> Void) throws(JSONError) {
        guard depth <= JSON.maximumDepth else { throw JSONError("exceeded max depth") }
        index += 1
        skipWhitespace()
        guard index < bytes.count else { throw JSONError("unexpected EOF") }
        if bytes[index] == UInt8(ascii: "]") { index += 1; return }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            guard index < bytes.count else { throw JSONError("unexpected EOF") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return
            default:
                throw JSONError("invalid character \(quoted(bytes[index])) after array element")
            }
        }
    }

    /// Reads a whole document whose top-level value `body` reads, like `parseDocument`.
    mutating func walkDocument(_ body: (inout JSONParser) throws(JSONError) -> Void) throws(JSONError) {
        skipWhitespace()
        guard index < bytes.count else { throw JSONError("unexpected EOF") }
        try body(&self)
        skipWhitespace()
        if index < bytes.count {
            throw JSONError("invalid character \(quoted(bytes[index])) after top-level value")
        }
    }

    /// Reads the string at the reading position as `parseString` does, with its errors,
    /// but makes no `String`: returns where its raw contents lie in `bytes`, and whether
    /// they are plain, printable ASCII that `JSON.writeString` writes back unchanged (no
    /// escape sequence, no `<`, `>` or `&`). Others can be decoded later with
    /// `decodeString(at:)`.
    mutating func scanString() throws(JSONError) -> (contents: Range<Int>, plain: Bool) {
        let quote = index
        var position = index + 1
        var notPlain: UInt8 = 0
        let classes = Self.stringBytes.utf8Start
        var end: Int?
        while position < bytes.count {
            let byteClass = classes[Int(bytes[position])] &- UInt8(ascii: "0")
            if byteClass == Self.stopsScan {
                end = position
                break
            }
            notPlain |= byteClass
            position += 1
        }
        if let end, bytes[end] == UInt8(ascii: "\"") {
            index = end + 1
            return (quote + 1..<end, notPlain == 0)
        }
        // An escape, a control character or the end: the full reader decides.
        _ = try parseString()
        return (quote + 1..<(index - 1), false)
    }

    /// `stringBytes`' class of the bytes that end `scanString`'s fast loop: the quote, a
    /// backslash, control characters.
    private static let stopsScan: UInt8 = 2

    /// What each byte is inside a string for `scanString`, as a digit: 0 plain, 1 written
    /// back unchanged only as part of a decoded string (`<`, `>`, `&`, DEL, non-ASCII),
    /// or `stopsScan` (the quote, a backslash, control characters). One look-up per byte
    /// instead of seven comparisons; a static string needs no lazy initialization.
    private static let stringBytes: StaticString =
        "2222222222222222222222222222222200200010000000000000000000001010000000000000000000000000000020000000000000000000000000000000000111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"

    /// Moves past `text` when the bytes at the reading position are exactly it.
    mutating func skip(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count, let base = bytes.baseAddress,
              memcmp(base + index, text.utf8Start, count) == 0
        else { return false }
        index += count
        return true
    }

    /// The string whose raw contents `scanString` found at `contents`, as text.
    func decodeString(at contents: Range<Int>) -> String {
        var parser = JSONParser(bytes: bytes)
        parser.index = contents.lowerBound - 1
        return (try? parser.parseString()) ?? ""
    }

    /// The string whose raw contents `scanString` found at `contents`, as `parseValue`
    /// reads it: `.string`, or `.bytes` when it is not UTF-8.
    func decodeStringValue(at contents: Range<Int>) -> JSON {
        var parser = JSONParser(bytes: bytes)
        parser.index = contents.lowerBound - 1
        return (try? parser.parseStringValue()) ?? .string("")
    }

    /// Moves past `{"key":` (`,"key":` unless `first`) when the bytes at the reading
    /// position are exactly that: how the daemon writes each member's key.
    mutating func skipKey(_ key: StaticString, first: Bool) -> Bool {
        let count = key.utf8CodeUnitCount
        guard index + count + 4 <= bytes.count,
              bytes[index] == (first ? UInt8(ascii: "{") : UInt8(ascii: ",")), bytes[index + 1] == UInt8(ascii: "\""),
              bytes[index + count + 2] == UInt8(ascii: "\""), bytes[index + count + 3] == UInt8(ascii: ":")
        else { return false }
        guard let base = bytes.baseAddress, memcmp(base + index + 2, key.utf8Start, count) == 0 else { return false }
        index += count + 4
        return true
    }
}
