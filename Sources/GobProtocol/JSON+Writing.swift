extension JSON {
    /// Compact text: no whitespace at all, as the protocol and `gob events` use.
    public var compact: String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out, indent: nil, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Two-space indented text as Go's `json.MarshalIndent(v, "", "  ")` writes it
    /// (`list --json`): `"key": value`, empty containers as `[]`/`{}`.
    public var pretty: String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(into: &out, indent: 2, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the UTF-8 encoding of this value to `out`.
    public func write(into out: inout [UInt8], indent: Int?, level: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .int(i): JSON.writeInteger(i, into: &out)
        case let .double(d): out.append(contentsOf: JSON.format(d).utf8)
        case let .string(s): JSON.writeString(s, into: &out)
        case let .bytes(b): JSON.writeBytes(b, into: &out)
        case let .array(elements):
            if elements.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (n, element) in elements.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                JSON.newline(&out, indent: indent, level: level + 1)
                element.write(into: &out, indent: indent, level: level + 1)
            }
            JSON.newline(&out, indent: indent, level: level)
            out.append(UInt8(ascii: "]"))
        case let .object(members):
            if members.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (n, (key, value)) in members.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                JSON.newline(&out, indent: indent, level: level + 1)
                JSON.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(UInt8(ascii: " ")) }
                value.write(into: &out, indent: indent, level: level + 1)
            }
            JSON.newline(&out, indent: indent, level: level)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A line break and `indent * level` spaces; nothing when not indenting.
    static func newline(_ out: inout [UInt8], indent: Int?, level: Int) {
        guard let indent else { return }
        let spaces = indent * level
        if spaces < lineBreaks.count {
            lineBreaks.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0...spaces])) }
        } else {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: spaces))
        }
    }

    /// A line feed and 63 spaces, sliced by `newline` for the usual depths.
    private static let lineBreaks: [UInt8] = [0x0A] + [UInt8](repeating: UInt8(ascii: " "), count: 63)

    /// The decimal digits of `value`, written without an intermediate string.
    static func writeInteger(_ value: Int64, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(20 - count)...]))
        }
    }

    private static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(.towardZero), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    /// Writes a string the way Go does: `<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes,
    /// `/` and other non-ASCII text raw, control characters escaped. Works on the UTF-8
    /// bytes and copies the runs that need no escape at once: `list` with thousands of
    /// jobs spends most of its time here.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        var string = s
        string.withUTF8 { bytes in writeEscaped(bytes, as: UTF8Text.self, into: &out) }
    }

    /// Writes bytes as a JSON string like `writeString`, with each byte that is not part
    /// of valid UTF-8 as `\udc80`–`\udcff` (Python's `surrogateescape`).
    static func writeBytes(_ bytes: [UInt8], into out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { writeEscaped($0, as: AnyBytes.self, into: &out) }
    }

    /// `writeBytes` of bytes valid for the call.
    static func writeBytes(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        writeEscaped(bytes, as: AnyBytes.self, into: &out)
    }

    /// The one string writer, compiled once for each `Source`: a Swift `String` is UTF-8 by
    /// construction, so its non-ASCII bytes stay on the quick path and plain text pays
    /// nothing for the byte strings.
    private static func writeEscaped<Source: StringBytes>(
        _ bytes: UnsafeBufferPointer<UInt8>, as source: Source.Type, into out: inout [UInt8]
    ) {
        let validating = Source.needsValidation
        out.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        let count = bytes.count
        let classes = escapeClasses.utf8Start
        while index < count {
            let byte = bytes[index]
            // Most bytes need nothing: one look-up skips them before the full check.
            let byteClass = classes[Int(byte)]
            if byteClass == UInt8(ascii: "0") || (byteClass == UInt8(ascii: "2") && !validating) {
                index += 1
                continue
            }
            let escape: [UInt8]?
            var width = 1
            switch byte {
            case UInt8(ascii: "\""): escape = Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): escape = Array(#"\\"#.utf8)
            case 0x0A: escape = Array(#"\n"#.utf8)
            case 0x0D: escape = Array(#"\r"#.utf8)
            case 0x09: escape = Array(#"\t"#.utf8)
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0x00..<0x20:
                escape = unicodeEscape(UInt32(byte))
            case 0xE2 where index + 2 < count && bytes[index + 1] == 0x80
                && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                escape = unicodeEscape(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029)
                width = 3
            case 0x80...0xFF where validating:
                width = UTF8Validation.sequenceLength(bytes, at: index)
                if width == 0 {
                    escape = unicodeEscape(0xDC00 + UInt32(byte))
                    width = 1
                } else {
                    escape = nil
                }
            default:
                escape = nil
            }
            if let escape {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                out.append(contentsOf: escape)
                index += width
                runStart = index
            } else {
                index += width
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count]))
        out.append(UInt8(ascii: "\""))
    }

    /// What each byte is for `writeEscaped`, as a digit: 0 written as it is, 1 escaped
    /// (control characters, `"`, `\\`, `<`, `>`, `&`) or the start of U+2028/U+2029
    /// (0xE2), 2 any other non-ASCII byte, which only bytes from the OS need checked. A
    /// static string needs no lazy initialization.
    private static let escapeClasses: StaticString =
        "1111111111111111111111111111111100100010000000000000000000001010000000000000000000000000000010000000000000000000000000000000000022222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222122222222222222222222222222222"

    private static func unicodeEscape(_ value: UInt32) -> [UInt8] {
        var out: [UInt8] = []
        writeUnicodeEscape(value, into: &out)
        return out
    }

    private static func writeUnicodeEscape(_ value: UInt32, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: #"\u"#.utf8)
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(hex[Int((value >> UInt32(shift)) & 0xF)])
        }
    }
}

/// What `JSON.writeEscaped` writes: bytes known to be UTF-8, or any bytes.
private protocol StringBytes {
    static var needsValidation: Bool { get }
}

/// A Swift `String`'s bytes.
private enum UTF8Text: StringBytes {
    static var needsValidation: Bool { false }
}

/// Bytes from the OS, which need not be UTF-8.
private enum AnyBytes: StringBytes {
    static var needsValidation: Bool { true }
}
