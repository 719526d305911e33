/// One member of the job object: its key, its JSON type, whether `list --json` shows it,
/// and the `JobSnapshot` property it carries.
///
/// `JobSnapshot.fields` lists every member once, in wire order. The daemon's bytes
/// (`writeJSON`), the JSON value (`json`, `listJSON`), the client's reading
/// (`JobSnapshot(json:)`) and the `list --json` transcoder all walk that list, so a new
/// field is one property and one entry there; `JobFieldTests` fails when a field of the
/// list is missing from an output or does not come back as it went.
public struct JobField: Sendable {
    /// The JSON type of a field's value, and what a reader does with a missing or
    /// mistyped one: refuse the job (`required`), or use the empty value.
    public enum Kind: Sendable, Equatable {
        /// A string, as text. Missing or mistyped: `""`, or the job is refused.
        case text(required: Bool)
        /// A string of bytes (a path): not UTF-8 where the OS's bytes are not. Missing or
        /// mistyped: empty.
        case bytes
        /// An array of byte strings (argv). Refused when missing or holding a non-string.
        case words
        /// An integer, truncated to 32 bits as the OS's values are. Missing or mistyped:
        /// the job is refused.
        case int32
        /// `"running"` or `"stopped"`; anything else refuses the job.
        case status
        /// A string or `null`.
        case optionalText
        /// An integer truncated to 32 bits, or `null`.
        case optionalInt32
        /// An integer, or `null`.
        case optionalInt64
        /// `true` or `false`; false when missing or mistyped.
        case flag
    }

    /// A field's value as the writers and readers pass it around.
    enum Value: Equatable {
        case null
        case text(String)
        case bytes(OSString)
        case words([OSString])
        case integer(Int64)
        case flag(Bool)
    }

    /// The JSON key.
    public let key: String
    /// The key's UTF-8, for writers that copy bytes.
    let keyBytes: [UInt8]
    public let kind: Kind
    /// Whether `list --json` shows the field. Every field is in the wire object: replies,
    /// events and the job commands' `--json`.
    public let listed: Bool
    let get: @Sendable (JobSnapshot) -> Value
    let set: @Sendable (inout JobSnapshot, Value) -> Void

    private init(
        _ key: String, _ kind: Kind, listed: Bool,
        get: @escaping @Sendable (JobSnapshot) -> Value, set: @escaping @Sendable (inout JobSnapshot, Value) -> Void
    ) {
        self.key = key
        keyBytes = Array(key.utf8)
        self.kind = kind
        self.listed = listed
        self.get = get
        self.set = set
    }
}

extension JobField {
    /// The `JobSnapshot` property a field carries.
    typealias Path<Property> = any WritableKeyPath<JobSnapshot, Property> & Sendable

    /// A text field.
    static func text(
        _ key: String, _ path: Path<String>, required: Bool = false, listed: Bool = true
    ) -> JobField {
        JobField(key, .text(required: required), listed: listed, get: { .text($0[keyPath: path]) }, set: { job, value in
            if case let .text(text) = value { job[keyPath: path] = text }
        })
    }

    /// A byte-string field (a path).
    static func bytes(_ key: String, _ path: Path<OSString>) -> JobField {
        JobField(key, .bytes, listed: true, get: { .bytes($0[keyPath: path]) }, set: { job, value in
            if case let .bytes(bytes) = value { job[keyPath: path] = bytes }
        })
    }

    /// An argv field.
    static func words(_ key: String, _ path: Path<[OSString]>) -> JobField {
        JobField(key, .words, listed: true, get: { .words($0[keyPath: path]) }, set: { job, value in
            if case let .words(words) = value { job[keyPath: path] = words }
        })
    }

    /// A required 32-bit integer.
    static func int32(_ key: String, _ path: Path<Int32>) -> JobField {
        JobField(key, .int32, listed: true, get: { .integer(Int64($0[keyPath: path])) }, set: { job, value in
            if case let .integer(number) = value { job[keyPath: path] = Int32(truncatingIfNeeded: number) }
        })
    }

    /// The job's status.
    static func status(_ key: String, _ path: Path<JobSnapshot.Status>) -> JobField {
        JobField(key, .status, listed: true, get: { .text($0[keyPath: path].rawValue) }, set: { job, value in
            if case let .text(text) = value, let status = JobSnapshot.Status(rawValue: text) { job[keyPath: path] = status }
        })
    }

    /// A string that may be null.
    static func optionalText(_ key: String, _ path: Path<String?>) -> JobField {
        JobField(key, .optionalText, listed: true, get: { $0[keyPath: path].map(Value.text) ?? .null }, set: { job, value in
            if case let .text(text) = value { job[keyPath: path] = text } else { job[keyPath: path] = nil }
        })
    }

    /// A 32-bit integer that may be null.
    static func optionalInt32(_ key: String, _ path: Path<Int32?>) -> JobField {
        JobField(key, .optionalInt32, listed: true, get: { $0[keyPath: path].map { .integer(Int64($0)) } ?? .null }, set: { job, value in
            if case let .integer(number) = value {
                job[keyPath: path] = Int32(truncatingIfNeeded: number)
            } else {
                job[keyPath: path] = nil
            }
        })
    }

    /// A 64-bit integer that may be null.
    static func optionalInt64(_ key: String, _ path: Path<Int64?>) -> JobField {
        JobField(key, .optionalInt64, listed: true, get: { $0[keyPath: path].map(Value.integer) ?? .null }, set: { job, value in
            if case let .integer(number) = value { job[keyPath: path] = number } else { job[keyPath: path] = nil }
        })
    }

    /// A boolean.
    static func flag(_ key: String, _ path: Path<Bool>) -> JobField {
        JobField(key, .flag, listed: true, get: { .flag($0[keyPath: path]) }, set: { job, value in
            if case let .flag(flag) = value { job[keyPath: path] = flag }
        })
    }
}

extension JobField {
    /// What a reader makes of the member's JSON value (nil when it is missing): the
    /// field's value, or nil when the job must be refused.
    func read(_ json: JSON?) -> Value? {
        switch kind {
        case let .text(required):
            if let text = json?.stringValue { return .text(text) }
            return required ? nil : .text("")
        case .bytes:
            return .bytes(json?.osStringValue ?? OSString(bytes: []))
        case .words:
            guard let elements = json?.arrayValue else { return nil }
            var words: [OSString] = []
            words.reserveCapacity(elements.count)
            for element in elements {
                guard let word = element.osStringValue else { return nil }
                words.append(word)
            }
            return .words(words)
        case .int32:
            return json?.intValue.map { .integer(Int64(Int32(truncatingIfNeeded: $0))) }
        case .status:
            guard let text = json?.stringValue, JobSnapshot.Status(rawValue: text) != nil else { return nil }
            return .text(text)
        case .optionalText:
            return json?.stringValue.map(Value.text) ?? .null
        case .optionalInt32:
            return json?.intValue.map { .integer(Int64(Int32(truncatingIfNeeded: $0))) } ?? .null
        case .optionalInt64:
            return json?.intValue.map(Value.integer) ?? .null
        case .flag:
            return .flag(json?.boolValue ?? false)
        }
    }
}

extension JobField.Value {
    /// The value as a JSON value.
    var json: JSON {
        switch self {
        case .null: .null
        case let .text(text): .string(text)
        case let .bytes(bytes): JSON(bytes)
        case let .words(words): .array(words.map(JSON.init))
        case let .integer(number): .int(number)
        case let .flag(flag): .bool(flag)
        }
    }

    /// Appends the value as `JSON.write(into:indent:level:)` writes `json`, without
    /// building it.
    func write(into out: inout [UInt8], indent: Int?, level: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case let .text(text): JSON.writeString(text, into: &out)
        case let .bytes(bytes): JSON.writeBytes(bytes.bytes, into: &out)
        case let .integer(number): JSON.writeInteger(number, into: &out)
        case let .flag(flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case let .words(words):
            if words.isEmpty {
                out.append(contentsOf: "[]".utf8)
                return
            }
            out.append(UInt8(ascii: "["))
            for (n, word) in words.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                JSON.newline(&out, indent: indent, level: level + 1)
                JSON.writeBytes(word.bytes, into: &out)
            }
            JSON.newline(&out, indent: indent, level: level)
            out.append(UInt8(ascii: "]"))
        }
    }
}
