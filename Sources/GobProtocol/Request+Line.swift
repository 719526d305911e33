extension Request {
    /// The line a gob client sends: `wireJSON`, then `"request_id"` when given, written
    /// compactly and ended by a line feed.
    ///
    /// `add` and `run` are written straight from their `JobSpec`, byte for byte what the
    /// `JSON` tree would give: building that tree for a whole environment costs every
    /// `gob add` a few hundred small allocations and the first use of several generic
    /// types' metadata, which a short-lived client pays at full price.
    public func wireLine(requestID: String?) -> [UInt8] {
        var line: [UInt8] = []
        switch self {
        case let .add(spec), let .run(spec):
            line.reserveCapacity(spec.wireSizeEstimate)
            line.append(contentsOf: #"{"type":""#.utf8)
            line.append(contentsOf: typeName.utf8)
            line.append(contentsOf: #"","payload":{"#.utf8)
            spec.writeMembers(into: &line)
            line.append(contentsOf: #"},"version":"#.utf8)
            JSON.writeString(GobVersion.handshake, into: &line)
            if let requestID {
                line.append(contentsOf: #","request_id":"#.utf8)
                JSON.writeString(requestID, into: &line)
            }
            line.append(UInt8(ascii: "}"))
        default:
            var json = wireJSON
            if let requestID, case let .object(members) = json {
                json = .object(members + [("request_id", .string(requestID))])
            }
            json.write(into: &line, indent: nil, level: 0)
        }
        line.append(0x0A)
        return line
    }
}

extension JobSpec {
    /// Enough bytes for the usual line, so it grows at most once.
    var wireSizeEstimate: Int {
        var size = 1024 + workdir.bytes.count
        for word in command { size += word.bytes.count + 4 }
        for entry in environment ?? [] { size += entry.bytes.count + 4 }
        return size
    }

    /// `members`, written as `JSON.write` writes an object's members compactly.
    func writeMembers(into out: inout [UInt8]) {
        out.append(contentsOf: #""command":["#.utf8)
        Self.writeWords(command, into: &out)
        out.append(contentsOf: #"],"workdir":"#.utf8)
        JSON.writeBytes(workdir.bytes, into: &out)
        if let environment {
            out.append(contentsOf: #","env":["#.utf8)
            Self.writeWords(environment, into: &out)
            out.append(UInt8(ascii: "]"))
        }
        if let description {
            out.append(contentsOf: #","description":"#.utf8)
            JSON.writeString(description, into: &out)
        }
        if let settings {
            if let umask = settings.umask {
                out.append(contentsOf: #","umask":"#.utf8)
                JSON.writeInteger(Int64(umask), into: &out)
            }
            if let nice = settings.nice {
                out.append(contentsOf: #","nice":"#.utf8)
                JSON.writeInteger(Int64(nice), into: &out)
            }
            if !settings.limits.isEmpty {
                out.append(contentsOf: #","rlimits":{"#.utf8)
                for index in settings.limits.indices {
                    if index > settings.limits.startIndex { out.append(UInt8(ascii: ",")) }
                    JSON.writeString(settings.limits[index].name, into: &out)
                    out.append(contentsOf: ":[".utf8)
                    Self.writeLimit(settings.limits[index].soft, into: &out)
                    out.append(UInt8(ascii: ","))
                    Self.writeLimit(settings.limits[index].hard, into: &out)
                    out.append(UInt8(ascii: "]"))
                }
                out.append(UInt8(ascii: "}"))
            }
        }
        if let ready {
            if let log = ready.log {
                out.append(contentsOf: #","ready_log":"#.utf8)
                JSON.writeString(log, into: &out)
            }
            if let port = ready.port {
                out.append(contentsOf: #","ready_port":"#.utf8)
                JSON.writeInteger(Int64(port), into: &out)
            }
            out.append(contentsOf: #","ready_timeout_ms":"#.utf8)
            JSON.writeInteger(ready.timeoutMilliseconds, into: &out)
        }
        if let gobfileName {
            out.append(contentsOf: #","gobfile_name":"#.utf8)
            JSON.writeString(gobfileName, into: &out)
        }
    }

    /// The elements of a JSON array of byte strings.
    private static func writeWords(_ words: [OSString], into out: inout [UInt8]) {
        for index in words.indices {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            words[index].bytes.withUnsafeBufferPointer { JSON.writeBytes($0, into: &out) }
        }
    }

    /// A limit as `ProcessSettings.members` gives it: a number, or `"unlimited"`.
    private static func writeLimit(_ value: UInt64, into out: inout [UInt8]) {
        if value > UInt64(Int64.max) {
            out.append(contentsOf: #""unlimited""#.utf8)
        } else {
            JSON.writeInteger(Int64(value), into: &out)
        }
    }
}
