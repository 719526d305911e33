/// Why a text is not the JSON we accept. Messages follow Go's `encoding/json` wording,
/// which upstream gob printed and scripts may match.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension JSON {
    /// Deepest nesting accepted; deeper documents are refused rather than risking the stack.
    public static let maximumDepth = 128

    /// Parses exactly one JSON value, with optional surrounding whitespace.
    public init(parsing bytes: [UInt8]) throws(JSONError) {
        self = try bytes.withUnsafeBufferPointer { buffer throws(JSONError) in try JSON(parsing: buffer) }
    }

    /// Parses exactly one JSON value from bytes valid for the call.
    public init(parsing bytes: UnsafeBufferPointer<UInt8>) throws(JSONError) {
        var parser = JSONParser(bytes: bytes)
        self = try parser.parseDocument()
    }

    /// Parses exactly one JSON value from any bytes (a slice, a string's UTF-8).
    public init(parsing bytes: some Collection<UInt8>) throws(JSONError) {
        let parsed = bytes.withContiguousStorageIfAvailable { buffer -> Result<JSON, JSONError> in
            var parser = JSONParser(bytes: buffer)
            do throws(JSONError) { return .success(try parser.parseDocument()) } catch { return .failure(error) }
        }
        if let parsed {
            self = try parsed.get()
        } else {
            try self.init(parsing: Array(bytes))
        }
    }

    /// Parses exactly one JSON value from a string.
    public init(parsing text: String) throws(JSONError) {
        try self.init(parsing: text.utf8)
    }
}

/// A recursive-descent parser over UTF-8 bytes with a depth limit. It reads an unsafe
/// buffer, valid for the parse only: `list` with thousands of jobs parses a reply of
/// hundreds of kilobytes, and per-byte array bounds checks and copies showed in profiles.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parseDocument() throws(JSONError) -> JSON {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if index < bytes.count {
            throw JSONError("invalid character \(quoted(bytes[index])) after top-level value")
        }
        return value
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    func quoted(_ byte: UInt8) -> String {
        if byte == UInt8(ascii: "'") { return "'\\''" }
        if byte == UInt8(ascii: "\"") { return "'\"'" }
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: false)
        return "'\\x\(hex.count == 1 ? "0" + hex : hex)'"
    }

    mutating func parseValue(depth: Int) throws(JSONError) -> JSON {
        guard index < bytes.count else { throw JSONError("unexpected EOF") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return try parseStringValue()
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            throw JSONError("invalid character \(quoted(bytes[index])) looking for beginning of value")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let expectedBytes = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for expected in expectedBytes {
            guard index < bytes.count else { throw JSONError("unexpected EOF") }
            guard bytes[index] == expected else {
                throw JSONError("invalid character \(quoted(bytes[index])) in literal \(literal) (expecting \(quoted(expected)))")
            }
            index += 1
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONError) -> JSON {
        var members: [(String, JSON)] = []
        // Room for a job's members at once, instead of growing 1, 2, 4, 8, 16.
        members.reserveCapacity(16)
        try walkObject(depth: depth) { parser, key throws(JSONError) in
            members.append((key, try parser.parseValue(depth: depth)))
        }
        return .object(members)
    }

    private mutating func parseArray(depth: Int) throws(JSONError) -> JSON {
        var elements: [JSON] = []
        try walkArray(depth: depth) { parser throws(JSONError) in
            elements.append(try parser.parseValue(depth: depth))
        }
        return .array(elements)
    }

    /// Reads a string as text, with bytes that are not UTF-8 as U+FFFD: for keys, and
    /// wherever only text is wanted.
    mutating func parseString() throws(JSONError) -> String {
        switch try parseStringValue() {
        case let .string(text): return text
        case let .bytes(bytes): return String(decoding: bytes, as: UTF8.self)
        default: return ""
        }
    }

    /// Reads a string: `.string` when its bytes are UTF-8, else `.bytes`. The bytes are
    /// the escapes decoded, where `\udc80`–`\udcff` standing alone is the byte 0x80–0xFF
    /// (Python's `surrogateescape`), and raw bytes as they are, valid or not.
    mutating func parseStringValue() throws(JSONError) -> JSON {
        index += 1  // opening quote
        let start = index
        var ascii = true
        // Most strings have no escape: find the closing quote and decode them in one go.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)])
                if ascii || UTF8Validation.isValid(raw) { return .string(String(decoding: raw, as: UTF8.self)) }
                return .bytes(Array(raw))
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        var utf8 = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        var escapedBytes = false
        while true {
            guard index < bytes.count else { throw JSONError("unexpected EOF") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                if (ascii && !escapedBytes) || utf8.withUnsafeBufferPointer(UTF8Validation.isValid) {
                    return .string(String(decoding: utf8, as: UTF8.self))
                }
                return .bytes(utf8)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw JSONError("unexpected EOF") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): utf8.append(0x22)
                case UInt8(ascii: "\\"): utf8.append(0x5C)
                case UInt8(ascii: "/"): utf8.append(0x2F)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    switch try parseUnicodeEscape() {
                    case let .scalar(scalar):
                        utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
                    case let .byte(raw):
                        utf8.append(raw)
                        escapedBytes = true
                    }
                default:
                    throw JSONError("invalid character \(quoted(escape)) in string escape code")
                }
            case 0x00..<0x20:
                throw JSONError("invalid character \(quoted(byte)) in string literal")
            default:
                if byte >= 0x80 { ascii = false }
                utf8.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseHex4() throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw JSONError("unexpected EOF") }
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw JSONError("invalid character \(quoted(byte)) in \\u hexadecimal character escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// What one `\uXXXX` escape stands for.
    private enum UnicodeEscape {
        case scalar(Unicode.Scalar)
        /// A lone `\udc80`–`\udcff`: the byte 0x80–0xFF that was not UTF-8.
        case byte(UInt8)
    }

    /// Decodes `\uXXXX` (the `\u` already consumed), joining surrogate pairs. A lone low
    /// surrogate `\udc80`–`\udcff` is a byte that is not UTF-8; any other lone surrogate
    /// becomes U+FFFD as in Go.
    private mutating func parseUnicodeEscape() throws(JSONError) -> UnicodeEscape {
        let first = try parseHex4()
        if (0xD800..<0xDC00).contains(first),
           index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
            let save = index
            index += 2
            let second = try parseHex4()
            if (0xDC00..<0xE000).contains(second) {
                let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                return .scalar(Unicode.Scalar(combined) ?? "\u{FFFD}")
            }
            index = save
        }
        if (0xDC80...0xDCFF).contains(first) { return .byte(UInt8(first - 0xDC00)) }
        return .scalar(Unicode.Scalar(first) ?? "\u{FFFD}")
    }

    private mutating func parseNumber() throws(JSONError) -> JSON {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw JSONError("unexpected EOF") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if isDigit(bytes[index]) {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        } else {
            throw JSONError("invalid character \(quoted(bytes[index])) in numeric literal")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count else { throw JSONError("unexpected EOF") }
            guard isDigit(bytes[index]) else {
                throw JSONError("invalid character \(quoted(bytes[index])) after decimal point in numeric literal")
            }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { throw JSONError("unexpected EOF") }
            guard isDigit(bytes[index]) else {
                throw JSONError("invalid character \(quoted(bytes[index])) in exponent of numeric literal")
            }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if isInteger, let value = integer(from: start) { return .int(value) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else { throw JSONError("invalid number \(text)") }
        return .double(value)
    }

    /// The integer written in `bytes[start..<index]` (an optional `-`, then digits), or
    /// nil when it does not fit in 64 bits.
    private func integer(from start: Int) -> Int64? {
        let negative = bytes[start] == UInt8(ascii: "-")
        var magnitude: UInt64 = 0
        for position in (negative ? start + 1 : start)..<index {
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(bytes[position] - UInt8(ascii: "0")))
            if overflow || carry { return nil }
            magnitude = sum
        }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            return magnitude <= UInt64(Int64.max) ? -Int64(magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
