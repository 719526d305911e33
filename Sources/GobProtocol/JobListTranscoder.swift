import Glibc

/// Reads a `list` reply line in one pass over its bytes, with no JSON value in between:
/// into `list --json`'s output (`transcode`), with no `JobSnapshot` and, for plain text,
/// no `String` either, or into the jobs' snapshots (`jobs`). Building, reference counting
/// and freeing a JSON value for every member of thousands of jobs was most of `gob list`'s
/// time (README "Performance").
///
/// The result is exactly what the value route gives — `Response(json: JSON(parsing:))`,
/// its `jobs`, then `JSON.array(jobs.map(\.listJSON)).pretty` — for every line, with the
/// same errors; `JobListTranscoderTests` holds the routes side by side. Plain strings are
/// copied as they are, since `JSON.writeString` would write them back unchanged; any
/// other string is decoded and written again.
public enum JobListTranscoder {
    /// The reply's response, with its jobs as `Response.jobs` reads them in `jobs` (nil
    /// when that would be nil). The response's `data` holds every member but `jobs`. Nil
    /// when the line is JSON but no response object.
    ///
    /// The jobs come back through a parameter, not in a tuple with the response: a
    /// client copying an optional tuple of these types had the runtime build its type
    /// from its mangled name, a tenth of a `gob list`.
    public static func jobs(
        _ line: UnsafeBufferPointer<UInt8>, into jobs: inout [JobSnapshot]?
    ) throws(JSONError) -> Response? {
        var reader = ReplyReader()
        reader.snapshots = []
        var parser = JSONParser(bytes: line)
        try parser.walkDocument { parser throws(JSONError) in try reader.readReply(&parser) }
        guard reader.isObject, let success = reader.success?.boolValue else { return nil }
        jobs = reader.valid ? reader.snapshots : nil
        return Response(
            success: success, error: reader.error?.stringValue,
            code: reader.code?.stringValue.flatMap(ErrorCode.init(rawValue:)), data: reader.data)
    }

    /// The reply's response, with `list --json`'s output for its jobs (without the final
    /// line feed) in `output`, nil when `Response.jobs` would be nil. The response's
    /// `data` holds every member but `jobs`. Nil when the line is JSON but no response
    /// object. (A parameter, not a tuple, as for `jobs`.)
    ///
    /// `transcodeInPlace` on a copy of the line with `headroom` bytes in front of it
    /// (by default as `gob list --json` gives it); tests vary it.
    public static func transcode(
        _ line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]?, headroom: Int? = nil
    ) throws(JSONError) -> Response? {
        let room = headroom ?? Self.headroom(for: line.count)
        let memory = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: room + line.count)
        defer { memory.deallocate() }
        _ = UnsafeMutableBufferPointer(rebasing: memory[room...]).initialize(from: line)
        var written: JobListOutput?
        let response = try transcodeInPlace(memory, line: room..<memory.count, into: &written)
        if let written {
            output = Array(written.bytes.dropLast())
            written.release()
        }
        return response
    }

    /// The room `gob list --json` leaves in front of a reply of `count` bytes: a job's
    /// output is about a sixth longer than its bytes on the wire, so the output stays
    /// behind the reading.
    public static func headroom(for count: Int) -> Int { count / 4 + 8192 }

    /// `transcode` in the reply's own memory: the line lies at `line` in `memory`, and
    /// the output is written from the start of `memory` over the bytes already read, in
    /// front of those still to be read; when it catches up with them it moves on to
    /// memory of its own. The output (`output`, line feed included; nil when
    /// `Response.jobs` would be nil) must be released; the line's bytes are gone.
    ///
    /// For a thousand jobs, the pages of a second buffer as large as the reply cost
    /// more than transcoding into it (a first touch of a page is about a microsecond
    /// here, and freeing it at exit more).
    public static func transcodeInPlace(
        _ memory: UnsafeMutableBufferPointer<UInt8>, line: Range<Int>, into output: inout JobListOutput?
    ) throws(JSONError) -> Response? {
        var reader = ReplyReader()
        reader.out = .inPlace(memory, room: line.lowerBound)
        reader.inputOffset = line.lowerBound
        var parser = JSONParser(bytes: UnsafeBufferPointer(rebasing: memory[line]))
        do {
            try parser.walkDocument { parser throws(JSONError) in try reader.readReply(&parser) }
        } catch {
            free(reader.out.allocated)
            throw error
        }
        guard reader.isObject, let success = reader.success?.boolValue, reader.valid else {
            free(reader.out.allocated)
            guard reader.isObject, let success = reader.success?.boolValue else { return nil }
            return Response(
                success: success, error: reader.error?.stringValue,
                code: reader.code?.stringValue.flatMap(ErrorCode.init(rawValue:)), data: reader.data)
        }
        reader.out.append(0x0A)
        guard !reader.out.overflowed, let base = reader.out.base else {
            free(reader.out.allocated)
            throw JSONError("out of memory")
        }
        output = JobListOutput(bytes: UnsafeBufferPointer(start: base, count: reader.out.count), allocated: reader.out.allocated)
        return Response(
            success: success, error: reader.error?.stringValue,
            code: reader.code?.stringValue.flatMap(ErrorCode.init(rawValue:)), data: reader.data)
    }
}

/// One `transcode`: the envelope's members, the last `data` object's members, and the
/// output for the jobs of its last `jobs` member.
private struct ReplyReader {
    var isObject = false
    var success: JSON?
    var error: JSON?
    var code: JSON?
    var data: [(String, JSON)] = []
    /// Where the output goes; it holds the last `jobs` member's output.
    var out = ByteWriter(into: UnsafeMutableBufferPointer(start: nil, count: 0))
    /// Where the line starts in the memory `out` writes in place.
    var inputOffset = 0
    /// Whether there is a `jobs` member that `Response.jobs` would read.
    var valid = false
    /// The last `jobs` member's snapshots, when they are collected (`jobs`) instead of
    /// written out.
    var snapshots: [JobSnapshot]?

    /// The top-level value, read as `parseDocument` reads it (depth 0).
    mutating func readReply(_ parser: inout JSONParser) throws(JSONError) {
        guard parser.next == UInt8(ascii: "{") else {
            _ = try parser.parseValue(depth: 0)
            return
        }
        isObject = true
        try parser.walkObject(depth: 1) { parser, key throws(JSONError) in
            switch key {
            case "success": success = try parser.parseValue(depth: 1)
            case "error": error = try parser.parseValue(depth: 1)
            case "code": code = try parser.parseValue(depth: 1)
            case "data":
                // A later `data` replaces an earlier one, whole.
                data = []
                valid = false
                if parser.next == UInt8(ascii: "{") {
                    try readData(&parser)
                } else {
                    _ = try parser.parseValue(depth: 1)
                }
            default: _ = try parser.parseValue(depth: 1)
            }
        }
    }

    /// The `data` object (depth 2); a later `jobs` replaces an earlier one.
    private mutating func readData(_ parser: inout JSONParser) throws(JSONError) {
        try parser.walkObject(depth: 2) { parser, key throws(JSONError) in
            guard key == "jobs" else {
                data.append((key, try parser.parseValue(depth: 2)))
                return
            }
            out.rewind()
            if snapshots != nil { snapshots = [] }
            if parser.next == UInt8(ascii: "[") {
                valid = try readJobs(&parser)
            } else {
                valid = try parser.parseValue(depth: 2).isNull
                out.append("[]")
            }
        }
    }

    /// The `jobs` array (depth 3), written as `list --json` prints it; false when an
    /// element is not a valid job object.
    private mutating func readJobs(_ parser: inout JSONParser) throws(JSONError) -> Bool {
        out.append(UInt8(ascii: "["))
        var valid = true
        var count = 0
        // One job's values at a time, on the stack.
        try withUnsafeTemporaryAllocation(of: RawJob.Value.self, capacity: JobField.count) { values throws(JSONError) in
            values.initialize(repeating: .absent)
            let job = RawJob(values: values)
            try parser.walkArray(depth: 3) { parser throws(JSONError) in
                // Everything before this element has been read and may be written over.
                out.keepBefore(inputOffset + parser.index)
                guard parser.next == UInt8(ascii: "{") else {
                    _ = try parser.parseValue(depth: 3)
                    valid = false
                    return
                }
                // A job in the daemon's layout with plain values is written as it is read.
                if valid, snapshots == nil {
                    let mark = out.count
                    if count > 0 { out.append(UInt8(ascii: ",")) }
                    out.newline(level: 1)
                    if RawJob.transcodeCanonical(&parser, into: &out) {
                        count += 1
                        return
                    }
                    out.rewind(to: mark)
                }
                // The daemon's layout sets every value; only another one needs them reset.
                if try !job.readCanonical(&parser) {
                    job.reset()
                    try parser.walkObject(depth: 4, rawKeys: { parser, key throws(JSONError) in
                        try job.read(key: key, from: &parser)
                    })
                }
                guard valid else { return }
                if snapshots != nil {
                    if let snapshot = job.snapshot(from: parser) { snapshots?.append(snapshot) } else { valid = false }
                    return
                }
                if count > 0 { out.append(UInt8(ascii: ",")) }
                out.newline(level: 1)
                valid = job.write(into: &out, from: parser)
                count += 1
            }
        }
        out.keepBefore(inputOffset + parser.index)
        if count == 0 {
            out.rewind()
            out.append("[]")
            return valid
        }
        out.newline(level: 0)
        out.append(UInt8(ascii: "]"))
        return valid
    }
}
