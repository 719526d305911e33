/// One job object of a `list` reply as `JobListTranscoder` reads it: where each member
/// that `list --json` prints lies in the reply (the last of duplicates, as `JSON`'s lookup
/// takes), not its decoded value; `write` then checks and prints it the way
/// `JobSnapshot(json:)` and `listJSON` would.
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
        case null
        /// Anything else: a boolean, an object, an array holding a non-string.
        case other
    }

    var id = Value.absent
    var pid = Value.absent
    var status = Value.absent
    var command = Value.absent
    var workdir = Value.absent
    var createdAt = Value.absent
    var exitCode = Value.absent
    var signal = Value.absent
    var endedAt = Value.absent
    var startedAt = Value.absent
    var runTime = Value.absent
    var description = Value.absent
    var stoppedByGob = Value.absent

    /// Reads the value of the member whose key `scanString` found (a job object's
    /// member, depth 4), keeping it when the output shows it. Reads and refuses exactly
    /// what `parseValue(depth: 4)` does.
    mutating func read(key: (contents: Range<Int>, plain: Bool), from parser: inout JSONParser) throws(JSONError) {
        let value = try Self.value(&parser)
        guard key.plain else {
            keep(value, as: parser.decodeString(at: key.contents))
            return
        }
        let raw = UnsafeBufferPointer(rebasing: parser.bytes[key.contents])
        // Plain keys are compared as bytes: making a String of each was a tenth of the time.
        switch raw.count {
        case 2 where Self.equal(raw, "id"): id = value
        case 3 where Self.equal(raw, "pid"): pid = value
        case 6 where Self.equal(raw, "status"): status = value
        case 6 where Self.equal(raw, "signal"): signal = value
        case 7 where Self.equal(raw, "command"): command = value
        case 7 where Self.equal(raw, "workdir"): workdir = value
        case 8 where Self.equal(raw, "ended_at"): endedAt = value
        case 9 where Self.equal(raw, "exit_code"): exitCode = value
        case 10 where Self.equal(raw, "created_at"): createdAt = value
        case 10 where Self.equal(raw, "started_at"): startedAt = value
        case 11 where Self.equal(raw, "run_time_ms"): runTime = value
        case 11 where Self.equal(raw, "description"): description = value
        case 14 where Self.equal(raw, "stopped_by_gob"): stoppedByGob = value
        default: break
        }
    }

    /// Keeps `value` as member `key` when the output shows it.
    private mutating func keep(_ value: Value, as key: String) {
        switch key {
        case "id": id = value
        case "pid": pid = value
        case "status": status = value
        case "command": command = value
        case "workdir": workdir = value
        case "created_at": createdAt = value
        case "exit_code": exitCode = value
        case "signal": signal = value
        case "ended_at": endedAt = value
        case "started_at": startedAt = value
        case "run_time_ms": runTime = value
        case "description": description = value
        case "stopped_by_gob": stoppedByGob = value
        default: break
        }
    }

    private static func equal(_ raw: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        raw.elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    /// Reads a job object laid out as the daemon writes it (`JobSnapshot.writeJSON`:
    /// compact, its members in its order) by matching each key where it must be, instead
    /// of reading keys; nil, with the parser back at the `{`, for any other layout, which
    /// `read(key:from:)` then reads. Values are read as there, at the same places, so
    /// what it accepts and refuses is the same.
    static func readCanonical(_ parser: inout JSONParser) throws(JSONError) -> RawJob? {
        let start = parser.index
        var job = RawJob()
        for (slot, prefix) in canonicalPrefixes.enumerated() {
            guard parser.skip(prefix) else {
                parser.index = start
                return nil
            }
            // As `walkObject` reads on after a key's colon.
            parser.skipWhitespace()
            let value = try Self.value(&parser)
            switch slot {
            case 0: job.id = value
            case 1: job.pid = value
            case 2: job.status = value
            case 3: job.command = value
            case 4: job.workdir = value
            case 5: job.createdAt = value
            case 8: job.exitCode = value
            case 9: job.signal = value
            case 10: job.endedAt = value
            case 11: job.startedAt = value
            case 12: job.runTime = value
            case 13: job.description = value
            case 14: job.stoppedByGob = value
            default: break  // the log paths, which `list --json` does not print
            }
        }
        guard parser.skip("}") else {
            parser.index = start
            return nil
        }
        return job
    }

    /// What comes before each value of a job object the daemon wrote.
    private static let canonicalPrefixes: [StaticString] = [
        #"{"id":"#, #","pid":"#, #","status":"#, #","command":"#, #","workdir":"#, #","created_at":"#,
        #","stdout_path":"#, #","stderr_path":"#, #","exit_code":"#, #","signal":"#, #","ended_at":"#,
        #","started_at":"#, #","run_time_ms":"#, #","description":"#, #","stopped_by_gob":"#,
    ]

    private static func value(_ parser: inout JSONParser) throws(JSONError) -> Value {
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
        guard case .string = id,
              let pid = Self.integer(pid),
              let status = jobStatus(parser),
              case let .strings(at: commandStart) = command
        else { return false }
        out.append(UInt8(ascii: "{"))
        out.append("\n    \"id\": ")
        Self.write(id, into: &out, from: parser)
        out.append(",\n    \"pid\": ")
        out.append(integer: Int64(Int32(truncatingIfNeeded: pid)))
        out.append(status == .running ? ",\n    \"status\": \"running\"" : ",\n    \"status\": \"stopped\"")
        out.append(",\n    \"command\": ")
        Self.writeCommand(at: commandStart, into: &out, from: parser)
        out.append(",\n    \"workdir\": ")
        Self.write(workdir, orEmpty: true, into: &out, from: parser)
        out.append(",\n    \"created_at\": ")
        Self.write(createdAt, orEmpty: true, into: &out, from: parser)
        out.append(",\n    \"exit_code\": ")
        Self.write(Self.integer(exitCode).map { Int64(Int32(truncatingIfNeeded: $0)) }, into: &out)
        out.append(",\n    \"signal\": ")
        Self.write(signal, into: &out, from: parser)
        out.append(",\n    \"ended_at\": ")
        Self.write(endedAt, into: &out, from: parser)
        out.append(",\n    \"started_at\": ")
        Self.write(startedAt, into: &out, from: parser)
        out.append(",\n    \"run_time_ms\": ")
        Self.write(Self.integer(runTime), into: &out)
        out.append(",\n    \"description\": ")
        Self.write(description, into: &out, from: parser)
        if case .bool(true) = stoppedByGob {
            out.append(",\n    \"stopped_by_gob\": true")
        } else {
            out.append(",\n    \"stopped_by_gob\": false")
        }
        out.append("\n  }")
        return true
    }

    /// `status` as `Status(rawValue:)` reads the string, if it is one.
    private func jobStatus(_ parser: JSONParser) -> JobSnapshot.Status? {
        guard case let .string(contents, plain) = status else { return nil }
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

    /// A string member as `stringValue` gives it: the string, else `""` (`orEmpty`) or null.
    private static func write(_ value: Value, orEmpty: Bool = false, into out: inout ByteWriter, from parser: JSONParser) {
        guard case let .string(contents, plain) = value else {
            out.append(orEmpty ? #""""# : "null")
            return
        }
        if plain {
            out.append(UInt8(ascii: "\""))
            out.append(UnsafeBufferPointer(rebasing: parser.bytes[contents]))
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(string: parser.decodeString(at: contents))
        }
    }

    private static func write(_ value: Int64?, into out: inout ByteWriter) {
        if let value { out.append(integer: value) } else { out.append("null") }
    }

    /// The command array (already read, so strings only) at level 2 of the output.
    private static func writeCommand(at start: Int, into out: inout ByteWriter, from parser: JSONParser) {
        var reader = parser
        reader.index = start
        var count = 0
        out.append(UInt8(ascii: "["))
        try? reader.walkArray(depth: 5) { reader throws(JSONError) in
            let (contents, plain) = try reader.scanString()
            if count > 0 { out.append(UInt8(ascii: ",")) }
            out.newline(level: 3)
            write(.string(contents, plain: plain), into: &out, from: reader)
            count += 1
        }
        if count > 0 { out.newline(level: 2) }
        out.append(UInt8(ascii: "]"))
    }
}
