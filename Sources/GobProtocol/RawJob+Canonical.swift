/// `list --json`'s output for a job object laid out as the daemon writes it, written as
/// its members are read: one pass, no `Value` in between.
extension RawJob {
    /// Reads the job object at the reading position and writes its `listJSON` at level 1
    /// of `list --json`'s array, as `readCanonical` then `write` would, when the object is
    /// in the daemon's layout (`JobSnapshot.writeJSON`: compact, every field in order)
    /// and each value has the plain shape its kind expects: a string without escapes or
    /// with them, `null` where the kind allows it, a decimal integer without sign,
    /// fraction or exponent that its kind keeps as it is, `true` or `false`, an array of
    /// strings, a count object in its own layout, `[]` for the ports, `null` for the
    /// listener. Anything else — another layout, a mistyped or refused value, a number
    /// to be truncated or rewritten, malformed JSON — returns false with the parser back
    /// at the `{` and nothing written, and the general route reads the object, with its
    /// own checks and errors.
    ///
    /// For a thousand jobs, keeping each value's place first and writing it from there
    /// was most of `list --json`'s own work.
    static func transcodeCanonical(_ parser: inout JSONParser, into out: inout ByteWriter) -> Bool {
        let start = parser.index
        let mark = out.count
        if writeCanonical(&parser, into: &out) { return true }
        parser.index = start
        out.rewind(to: mark)
        return false
    }

    private static func writeCanonical(_ parser: inout JSONParser, into out: inout ByteWriter) -> Bool {
        out.append(UInt8(ascii: "{"))
        var first = true
        for field in JobField.inOrder {
            let definition = field.definition
            guard parser.skipKey(definition.key, first: field == .id) else { return false }
            // A field `list --json` leaves out is read all the same: its value must be
            // one the general route takes, and the next key must follow it.
            var scratch = ByteWriter(into: UnsafeMutableBufferPointer(start: nil, count: 0))
            if definition.listed {
                out.appendMemberKey(definition.key, first: first)
                first = false
                guard copyValue(&parser, kind: definition.kind, into: &out) else { return false }
            } else {
                guard copyValue(&parser, kind: definition.kind, into: &scratch) else { return false }
            }
        }
        guard parser.skip("}") else { return false }
        out.append("\n  }")
        return true
    }

    /// Reads one member's value of `kind` and writes it as `write` does, when it has the
    /// plain shape `transcodeCanonical` takes; false otherwise.
    private static func copyValue(_ parser: inout JSONParser, kind: JobField.Kind, into out: inout ByteWriter) -> Bool {
        switch kind {
        case let .text(required):
            if parser.next == UInt8(ascii: "n") {
                guard !required, parser.skip("null") else { return false }
                out.append(#""""#)
                return true
            }
            return copyString(&parser, asBytes: false, into: &out)
        case .optionalText:
            if parser.next == UInt8(ascii: "n") {
                guard parser.skip("null") else { return false }
                out.append("null")
                return true
            }
            return copyString(&parser, asBytes: false, into: &out)
        case .outcome:
            if parser.next == UInt8(ascii: "n") {
                guard parser.skip("null") else { return false }
                out.append("null")
                return true
            }
            guard parser.next == UInt8(ascii: "\""), let (contents, plain) = try? parser.scanString() else { return false }
            writeOutcome(.string(contents, plain: plain), into: &out, from: parser)
            return true
        case .bytes:
            if parser.next == UInt8(ascii: "n") {
                guard parser.skip("null") else { return false }
                out.append(#""""#)
                return true
            }
            return copyString(&parser, asBytes: true, into: &out)
        case .words:
            return copyWords(&parser, into: &out)
        case .status:
            if parser.skip(#""running""#) {
                out.append(#""running""#)
                return true
            }
            if parser.skip(#""stopped""#) {
                out.append(#""stopped""#)
                return true
            }
            return false
        case .int32:
            // Nine digits or fewer fit in 32 bits: nothing to truncate.
            return copyDigits(&parser, atMost: 9, into: &out)
        case .optionalInt32, .optionalInt64:
            if parser.next == UInt8(ascii: "n") {
                guard parser.skip("null") else { return false }
                out.append("null")
                return true
            }
            return copyDigits(&parser, atMost: kind == .optionalInt32 ? 9 : 18, into: &out)
        case .count:
            return copyDigits(&parser, atMost: 18, into: &out)
        case .flag:
            if parser.skip("true") {
                out.append("true")
                return true
            }
            if parser.skip("false") {
                out.append("false")
                return true
            }
            return false
        case let .counts(object):
            if parser.next == UInt8(ascii: "n") {
                // Only an object that may be `null` is written as `null`.
                guard object.nullable, parser.skip("null") else { return false }
                out.append("null")
                return true
            }
            return copyCounts(&parser, object, into: &out)
        case .ports:
            guard parser.skip("[]") else { return false }
            out.append("[]")
            return true
        case .listener:
            guard parser.skip("null") else { return false }
            out.append("null")
            return true
        }
    }

    /// A string, as `writeText` (`asBytes`: `writeBytes`) writes it.
    private static func copyString(_ parser: inout JSONParser, asBytes: Bool, into out: inout ByteWriter) -> Bool {
        guard parser.next == UInt8(ascii: "\""), let (contents, plain) = try? parser.scanString() else { return false }
        if asBytes {
            writeBytes(.string(contents, plain: plain), into: &out, from: parser)
        } else {
            writeText(.string(contents, plain: plain), into: &out, from: parser)
        }
        return true
    }

    /// An array of strings, as `writeWords` writes it.
    private static func copyWords(_ parser: inout JSONParser, into out: inout ByteWriter) -> Bool {
        guard parser.skip("[") else { return false }
        out.append(UInt8(ascii: "["))
        if parser.skip("]") {
            out.append(UInt8(ascii: "]"))
            return true
        }
        while true {
            out.newline(level: 3)
            guard copyString(&parser, asBytes: true, into: &out) else { return false }
            if parser.skip("]") { break }
            guard parser.skip(",") else { return false }
            out.append(UInt8(ascii: ","))
        }
        out.newline(level: 2)
        out.append(UInt8(ascii: "]"))
        return true
    }

    /// An integer of 1 to `atMost` digits, no sign, no leading zero, no fraction or
    /// exponent after it: its digits are what `ByteWriter.append(integer:)` writes of it.
    private static func copyDigits(_ parser: inout JSONParser, atMost: Int, into out: inout ByteWriter) -> Bool {
        let bytes = parser.bytes
        let start = parser.index
        var end = start
        while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9") { end += 1 }
        let digits = end - start
        guard digits > 0, digits <= atMost, digits == 1 || bytes[start] != UInt8(ascii: "0"), end < bytes.count else {
            return false
        }
        switch bytes[end] {
        case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return false
        default: break
        }
        out.append(UnsafeBufferPointer(rebasing: bytes[start..<end]))
        parser.index = end
        return true
    }

    /// A count object in its own layout (its keys in order, each with such an integer),
    /// as `write` writes it.
    private static func copyCounts(_ parser: inout JSONParser, _ object: JobField.CountObject, into out: inout ByteWriter) -> Bool {
        out.append(UInt8(ascii: "{"))
        var first = true
        for key in object.keys {
            guard parser.skipKey(key, first: first) else { return false }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.newline(level: 3)
            out.append(UInt8(ascii: "\""))
            out.append(key)
            out.append("\": ")
            guard copyDigits(&parser, atMost: 18, into: &out) else { return false }
        }
        guard parser.skip("}") else { return false }
        out.newline(level: 2)
        out.append(UInt8(ascii: "}"))
        return true
    }
}
