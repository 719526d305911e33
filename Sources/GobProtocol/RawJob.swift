/// One job object of a `list` reply as `JobListTranscoder` reads it: where the value of
/// each `JobField` lies in the reply (the last of duplicates, as `JSON`'s
/// lookup takes), not its decoded value; `write` then checks and prints it, field by
/// field and by each field's kind, the way `JobSnapshot(json:)` and `listJSON` would.
struct RawJob {
    /// A member's value, as far as the output needs to know it.
    enum Value {
        case absent
        /// A string whose raw contents lie at the range; `plain` when they are written
        /// back unchanged (`JSONParser.scanString`).
        case string(Range<Int>, plain: Bool)
        case int(Int64)
        case double(Double)
        case bool(Bool)
        /// An array of strings only, whose `[` is at the position.
        case strings(at: Int)
        /// An object, whose `{` is at the position.
        case object(at: Int)
        case null
        /// Anything else: an object, an array holding a non-string.
        case other
        /// The value of a field whose kind is read from a JSON value (`ports`,
        /// `ready_listener`): small, and most often empty or `null`.
        case parsed(JSON)
    }

    /// One value per field, by its raw value: memory the transcode lends for all its jobs.
    let values: UnsafeMutableBufferPointer<Value>

    /// Forgets the values, for the next job object.
    func reset() {
        for slot in values.indices { values[slot] = .absent }
    }

    /// Reads the value of the member whose key `scanString` found (a job object's
    /// member, depth 4), keeping it when it is a field. Reads and refuses exactly what
    /// `parseValue(depth: 4)` does.
    func read(key: (contents: Range<Int>, plain: Bool), from parser: inout JSONParser) throws(JSONError) {
        let field: JobField?
        if key.plain {
            // Plain keys are compared as bytes: making a String of each was a tenth of the time.
            field = JobField.named(UnsafeBufferPointer(rebasing: parser.bytes[key.contents]))
        } else {
            field = JobField.named(parser.decodeString(at: key.contents))
        }
        let value = try Self.value(&parser, for: field)
        if let field { values[field.rawValue] = value }
    }

    /// Reads a job object laid out as the daemon writes it (`JobSnapshot.writeJSON`:
    /// compact, its fields in their order) by matching each key where it must be, instead
    /// of reading keys; false, with the parser back at the `{`, for any other layout,
    /// which `read(key:from:)` then reads. Values are read as there, at the same places,
    /// so what it accepts and refuses is the same.
    func readCanonical(_ parser: inout JSONParser) throws(JSONError) -> Bool {
        let start = parser.index
        for field in JobField.inOrder {
            guard parser.skipKey(field.definition.key, first: field == .id) else {
                parser.index = start
                return false
            }
            // As `walkObject` reads on after a key's colon.
            parser.skipWhitespace()
            values[field.rawValue] = try Self.value(&parser, for: field)
        }
        guard parser.skip("}") else {
            parser.index = start
            return false
        }
        return true
    }

    private static func value(_ parser: inout JSONParser, for field: JobField?) throws(JSONError) -> Value {
        if field?.kind.isParsed == true { return .parsed(try parser.parseValue(depth: 4)) }
        switch parser.next {
        case UInt8(ascii: "\""):
            let (contents, plain) = try parser.scanString()
            return .string(contents, plain: plain)
        case UInt8(ascii: "["):
            // As `parseValue(depth: 4)` reads an array: its elements 5 deep.
            let start = parser.index
            var strings = true
            try parser.walkArray(depth: 5) { parser throws(JSONError) in
                if parser.next == UInt8(ascii: "\"") {
                    _ = try parser.scanString()
                } else {
                    _ = try parser.parseValue(depth: 5)
                    strings = false
                }
            }
            return strings ? .strings(at: start) : .other
        case UInt8(ascii: "{"):
            // As `parseValue(depth: 4)` reads an object: its members 5 deep.
            let start = parser.index
            try parser.walkObject(depth: 5, rawKeys: { parser, _ throws(JSONError) in _ = try parser.parseValue(depth: 5) })
            return .object(at: start)
        default:
            switch try parser.parseValue(depth: 4) {
            case let .int(value): return .int(value)
            case let .double(value): return .double(value)
            case let .bool(value): return .bool(value)
            case .null: return .null
            default: return .other
            }
        }
    }

    /// Writes the job as its `listJSON` at level 1 of `list --json`'s array (the layout
    /// `JSON.write` gives it, spelled out); false, with `out` to be dropped, when
    /// `JobSnapshot(json:)` would refuse it.
    func write(into out: inout ByteWriter, from parser: JSONParser) -> Bool {
        out.append(UInt8(ascii: "{"))
        var first = true
        for field in JobField.inOrder {
            let definition = field.definition
            guard definition.listed else { continue }
            out.appendMemberKey(definition.key, first: first)
            first = false
            let value = values[field.rawValue]
            switch definition.kind {
            case let .text(required):
                guard case .string = value else {
                    if required { return false }
                    out.append(#""""#)
                    continue
                }
                Self.writeText(value, into: &out, from: parser)
            case .bytes:
                guard case .string = value else {
                    out.append(#""""#)
                    continue
                }
                Self.writeBytes(value, into: &out, from: parser)
            case .words:
                guard case let .strings(at: start) = value else { return false }
                Self.writeWords(at: start, into: &out, from: parser)
            case .int32:
                guard let number = Self.integer(value) else { return false }
                out.append(integer: Int64(Int32(truncatingIfNeeded: number)))
            case .status:
                guard let status = Self.status(value, from: parser) else { return false }
                out.append(status == .running ? #""running""# : #""stopped""#)
            case .optionalText:
                if case .string = value { Self.writeText(value, into: &out, from: parser) } else { out.append("null") }
            case .outcome:
                Self.writeOutcome(value, into: &out, from: parser)
            case .optionalInt32:
                if let number = Self.integer(value) {
                    out.append(integer: Int64(Int32(truncatingIfNeeded: number)))
                } else {
                    out.append("null")
                }
            case .optionalInt64:
                if let number = Self.integer(value) { out.append(integer: number) } else { out.append("null") }
            case .flag:
                if case .bool(true) = value { out.append("true") } else { out.append("false") }
            case .count:
                out.append(integer: Self.integer(value) ?? 0)
            case let .counts(object):
                guard case let .counts(_, numbers) = Self.counts(value, object, from: parser) else {
                    out.append("null")
                    continue
                }
                out.append(UInt8(ascii: "{"))
                for (n, (key, number)) in zip(object.keys, numbers).enumerated() {
                    if n > 0 { out.append(UInt8(ascii: ",")) }
                    out.newline(level: 3)
                    out.append(UInt8(ascii: "\""))
                    out.append(key)
                    out.append("\": ")
                    out.append(integer: number)
                }
                out.newline(level: 2)
                out.append(UInt8(ascii: "}"))
            case .ports, .listener:
                var bytes: [UInt8] = []
                Self.fieldValue(field, value).write(into: &bytes, indent: 2, level: 2)
                out.append(bytes)
            }
        }
        out.append("\n  }")
        return true
    }

    /// The job as `JobSnapshot(json:)` reads it, or nil when that refuses it: each field
    /// by its kind, from where its value lies, without a JSON value in between.
    func snapshot(from parser: JSONParser) -> JobSnapshot? {
        var job = JobSnapshot(
            id: "", pid: 0, status: .stopped, command: [], workdir: OSString(bytes: []), createdAt: "",
            stdoutPath: "", stderrPath: "")
        for field in JobField.inOrder {
            let value = values[field.rawValue]
            switch field.kind {
            case let .text(required):
                if case .string = value {
                    job[field] = .text(Self.text(value, from: parser))
                } else if required {
                    return nil
                }
            case .bytes:
                if case .string = value { job[field] = .bytes(Self.bytes(value, from: parser)) }
            case .words:
                guard case let .strings(at: start) = value else { return nil }
                job[field] = .words(Self.words(at: start, from: parser))
            case .int32:
                guard let number = Self.integer(value) else { return nil }
                job[field] = .integer(number)
            case .status:
                guard let status = Self.status(value, from: parser) else { return nil }
                job[field] = .text(status.rawValue)
            case .optionalText, .outcome:
                // The outcome's setter keeps only a name of `RunOutcome`.
                if case .string = value { job[field] = .text(Self.text(value, from: parser)) }
            case .optionalInt32, .optionalInt64:
                if let number = Self.integer(value) { job[field] = .integer(number) }
            case .flag:
                if case let .bool(flag) = value { job[field] = .flag(flag) }
            case .count:
                job[field] = .integer(Self.integer(value) ?? 0)
            case let .counts(object):
                job[field] = Self.counts(value, object, from: parser)
            case .ports, .listener:
                job[field] = Self.fieldValue(field, value)
            }
        }
        return job
    }

    /// An object of integer members as `JobField.read` reads it: the last member of each
    /// key, as `JSON`'s lookup takes it, and its integer value if it has one.
    private static func counts(_ value: Value, _ object: JobField.CountObject, from parser: JSONParser) -> JobField.Value {
        guard case let .object(at: start) = value else { return object.absent }
        if let canonical = canonicalCounts(at: start, object, from: parser) { return canonical }
        let keys = object.keys.map(\.description)
        var found = [Int64?](repeating: nil, count: keys.count)
        var reader = parser
        reader.index = start
        try? reader.walkObject(depth: 5) { (reader: inout JSONParser, key: String) throws(JSONError) in
            let member = try reader.parseValue(depth: 5)
            if let slot = keys.firstIndex(of: key) { found[slot] = member.intValue }
        }
        return object.value(found)
    }

    /// The object at `start` when it is laid out as the daemon writes it — every key of
    /// `object` in order, each with an integer, nothing else — read without making a
    /// `String` of any key; nil for any other layout, which `counts` then walks.
    private static func canonicalCounts(at start: Int, _ object: JobField.CountObject, from parser: JSONParser) -> JobField.Value? {
        var reader = parser
        reader.index = start
        var numbers: [Int64] = []
        numbers.reserveCapacity(3)
        for (n, key) in object.keys.enumerated() {
            guard reader.skipKey(key, first: n == 0), let next = reader.next,
                  next == UInt8(ascii: "-") || (next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")),
                  case let .int(number)? = try? reader.parseValue(depth: 5)
            else { return nil }
            numbers.append(number)
        }
        guard reader.skip("}") else { return nil }
        return .counts(object, numbers)
    }

    /// A parsed member as `JobField.read` reads it.
    private static func fieldValue(_ field: JobField, _ value: Value) -> JobField.Value {
        if case let .parsed(json) = value, let read = field.read(json) { return read }
        return field.read(nil) ?? .null
    }

    /// A string member as `stringValue` reads it.
    private static func text(_ value: Value, from parser: JSONParser) -> String {
        guard case let .string(contents, plain) = value else { return "" }
        if plain { return String(decoding: UnsafeBufferPointer(rebasing: parser.bytes[contents]), as: UTF8.self) }
        return parser.decodeString(at: contents)
    }

    /// A string member as `osStringValue` reads it.
    private static func bytes(_ value: Value, from parser: JSONParser) -> OSString {
        guard case let .string(contents, plain) = value else { return OSString(bytes: []) }
        if plain { return OSString(bytes: Array(UnsafeBufferPointer(rebasing: parser.bytes[contents]))) }
        return parser.decodeStringValue(at: contents).osStringValue ?? OSString(bytes: [])
    }

    /// An argv array (already read, so strings only), as `osStringValue` reads each.
    private static func words(at start: Int, from parser: JSONParser) -> [OSString] {
        var reader = parser
        reader.index = start
        var words: [OSString] = []
        try? reader.walkArray(depth: 5) { reader throws(JSONError) in
            let (contents, plain) = try reader.scanString()
            words.append(bytes(.string(contents, plain: plain), from: reader))
        }
        return words
    }

    /// A status string as `Status(rawValue:)` reads it, if it is one.
    private static func status(_ value: Value, from parser: JSONParser) -> JobSnapshot.Status? {
        guard case let .string(contents, plain) = value else { return nil }
        if plain {
            let raw = UnsafeBufferPointer(rebasing: parser.bytes[contents])
            if raw.elementsEqual("running".utf8) { return .running }
            if raw.elementsEqual("stopped".utf8) { return .stopped }
            return nil
        }
        return JobSnapshot.Status(rawValue: parser.decodeString(at: contents))
    }

    /// `JSON.intValue`: an integer, or a finite double truncated toward zero.
    private static func integer(_ value: Value) -> Int64? {
        switch value {
        case let .int(integer): return integer
        case let .double(double) where double.isFinite && abs(double) < 9.2e18: return Int64(double)
        default: return nil
        }
    }

    /// A string as `stringValue` gives it: as text, bytes that are not UTF-8 as U+FFFD.
    static func writeText(_ value: Value, into out: inout ByteWriter, from parser: JSONParser) {
        guard case let .string(contents, plain) = value else { return }
        if plain {
            writePlain(contents, into: &out, from: parser)
        } else {
            out.append(string: parser.decodeString(at: contents))
        }
    }

    /// An outcome as `JobField.read` reads it: a name of `RunOutcome` as it is, anything
    /// else as `null`.
    static func writeOutcome(_ value: Value, into out: inout ByteWriter, from parser: JSONParser) {
        guard case .string = value, RunOutcome(rawValue: text(value, from: parser)) != nil else {
            out.append("null")
            return
        }
        writeText(value, into: &out, from: parser)
    }

    /// A string as `osStringValue` gives it: its exact bytes.
    static func writeBytes(_ value: Value, into out: inout ByteWriter, from parser: JSONParser) {
        guard case let .string(contents, plain) = value else { return }
        if plain {
            writePlain(contents, into: &out, from: parser)
            return
        }
        switch parser.decodeStringValue(at: contents) {
        case let .bytes(bytes): out.append(bytesString: bytes)
        case let decoded: out.append(string: decoded.stringValue ?? "")
        }
    }

    private static func writePlain(_ contents: Range<Int>, into out: inout ByteWriter, from parser: JSONParser) {
        out.appendQuoted(UnsafeBufferPointer(rebasing: parser.bytes[contents]))
    }

    /// An argv array (already read, so strings only) at level 2 of the output.
    private static func writeWords(at start: Int, into out: inout ByteWriter, from parser: JSONParser) {
        var reader = parser
        reader.index = start
        var count = 0
        out.append(UInt8(ascii: "["))
        try? reader.walkArray(depth: 5) { reader throws(JSONError) in
            let (contents, plain) = try reader.scanString()
            if count > 0 { out.append(UInt8(ascii: ",")) }
            out.newline(level: 3)
            writeBytes(.string(contents, plain: plain), into: &out, from: reader)
            count += 1
        }
        if count > 0 { out.newline(level: 2) }
        out.append(UInt8(ascii: "]"))
    }
}
