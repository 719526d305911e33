import Glibc

/// One member of the job object. The cases are the members in wire order; `definition`
/// gives each its JSON key, its kind and whether `list --json` shows it, and
/// `JobSnapshot`'s subscript connects each to its property.
///
/// The daemon's bytes (`JobSnapshot.writeJSON`), the JSON value (`json`, `listJSON`), the
/// client's reading (`JobSnapshot(json:)`) and the `list --json` transcoder all walk the
/// cases, so a new field is one case, one line of `definition`, one property and its two
/// lines in the subscript; the compiler refuses a case without its lines, and
/// `JobFieldTests` fails when a field is missing from an output or does not come back as
/// it went.
///
/// An enum and switches, not a table of key paths or closures: those are built at run
/// time, and a short-lived `gob list` paid more for building them than for the rest of
/// its work. Everything here is constant.
public enum JobField: Int, CaseIterable, Sendable {
    case id, pid, status, command, workdir, createdAt, stdoutPath, stderrPath
    case exitCode, signal, endedAt, startedAt, runTime, description, stoppedByGob
    case run, runs, stats, estimate, outcome
    case readyLog, readyPort, readyTimeout, readiness, readyAt, readyAfter, readyListener, ports
    case gobfileName

    /// What a field is on the wire.
    struct Definition {
        /// The JSON key: plain ASCII, so writers copy it without escaping.
        let key: StaticString
        let kind: Kind
        /// Whether `list --json` shows it; every field is in the wire object (replies,
        /// events, the job commands' `--json`).
        let listed: Bool

        init(_ key: StaticString, _ kind: Kind, listed: Bool = true) {
            self.key = key
            self.kind = kind
            self.listed = listed
        }
    }

    /// The definition of every field.
    var definition: Definition {
        switch self {
        case .id: .init("id", .text(required: true))
        case .pid: .init("pid", .int32)
        case .status: .init("status", .status)
        case .command: .init("command", .words)
        case .workdir: .init("workdir", .bytes)
        case .createdAt: .init("created_at", .text(required: false))
        case .stdoutPath: .init("stdout_path", .text(required: false), listed: false)
        case .stderrPath: .init("stderr_path", .text(required: false), listed: false)
        case .exitCode: .init("exit_code", .optionalInt32)
        case .signal: .init("signal", .optionalText)
        case .endedAt: .init("ended_at", .optionalText)
        case .startedAt: .init("started_at", .optionalText)
        case .runTime: .init("run_time_ms", .optionalInt64)
        case .description: .init("description", .optionalText)
        case .stoppedByGob: .init("stopped_by_gob", .flag)
        case .run: .init("run", .optionalText)
        case .runs: .init("runs", .count)
        case .stats: .init("stats", .counts(.stats))
        case .estimate: .init("estimate", .counts(.estimate))
        case .outcome: .init("outcome", .outcome)
        case .readyLog: .init("ready_log", .optionalText)
        case .readyPort: .init("ready_port", .optionalInt64)
        case .readyTimeout: .init("ready_timeout_ms", .optionalInt64)
        case .readiness: .init("readiness", .optionalText)
        case .readyAt: .init("ready_at", .optionalText)
        case .readyAfter: .init("ready_after_ms", .optionalInt64)
        case .readyListener: .init("ready_listener", .listener)
        case .ports: .init("ports", .ports)
        case .gobfileName: .init("gobfile_name", .optionalText)
        }
    }

    /// The JSON type of a field's value, and what a reader does with a missing or
    /// mistyped one: refuse the job, or use the empty value.
    public enum Kind: Sendable, Equatable {
        /// A string, as text. Missing or mistyped: `""`, or the job is refused.
        case text(required: Bool)
        /// A string of bytes (a path), not UTF-8 where the OS's bytes are not. Missing or
        /// mistyped: empty.
        case bytes
        /// An array of byte strings (argv). Refused when missing or holding a non-string.
        case words
        /// An integer, truncated to 32 bits as the OS's values are. Refused when missing
        /// or mistyped.
        case int32
        /// `"running"` or `"stopped"`; anything else refuses the job.
        case status
        /// A string or `null`.
        case optionalText
        /// One of `RunOutcome`'s names, or `null`; any other value reads as `null`.
        case outcome
        /// An integer truncated to 32 bits, or `null`.
        case optionalInt32
        /// An integer, or `null`.
        case optionalInt64
        /// `true` or `false`; false when missing or mistyped.
        case flag
        /// An integer; 0 when missing or mistyped.
        case count
        /// A small object of integer members with fixed keys (`stats`, `estimate`).
        case counts(CountObject)
        /// An array of `{"port","proto","address","pid"}` objects (`ListeningPort`);
        /// elements that are not such objects are skipped, and anything else reads as `[]`.
        case ports
        /// One such object, or `null`; anything that is not such an object reads as `null`.
        case listener

        /// Whether a field of this kind is read as a whole JSON value (small, and most
        /// often empty or `null`) rather than from where its bytes lie.
        var isParsed: Bool {
            switch self {
            case .ports, .listener: true
            default: false
            }
        }

        /// Whether a job object without a good value of this kind is refused.
        public var isRequired: Bool {
            switch self {
            case let .text(required): required
            case .words, .int32, .status: true
            default: false
            }
        }
    }

    /// The objects of integer members a job carries, each with its fixed keys.
    public enum CountObject: Sendable, Equatable {
        /// `{"runs","successes","failures"}`: a missing or mistyped member reads as 0,
        /// anything but an object as all zeros.
        case stats
        /// `{"typical_ms","upper_ms"}` or `null`: anything but an object with both reads
        /// as `null`.
        case estimate

        /// The member keys, in wire order.
        var keys: [StaticString] {
            switch self {
            case .stats: RunStats.keys
            case .estimate: RunEstimate.keys
            }
        }

        /// Whether an incomplete object reads as `null` rather than with zeros.
        var nullable: Bool { self == .estimate }

        /// The value of an object whose members under `keys` had these integers (nil:
        /// missing or not an integer).
        func value(_ found: [Int64?]) -> Value {
            if nullable && found.contains(nil) { return .null }
            return .counts(self, found.map { $0 ?? 0 })
        }

        /// The value of anything that is not an object.
        var absent: Value { nullable ? .null : .counts(self, keys.map { _ in 0 }) }
    }

    /// The JSON key.
    public var key: String { definition.key.description }

    public var kind: Kind { definition.kind }

    /// Whether `list --json` shows the field.
    public var listed: Bool { definition.listed }

    /// The fields in wire order, without building an array.
    static var inOrder: InOrder { InOrder() }

    /// How many fields there are.
    static var count: Int {
        var count = 0
        for _ in inOrder { count += 1 }
        return count
    }

    /// Iterates the cases by raw value.
    struct InOrder: Sequence, IteratorProtocol {
        private var position = 0

        @inline(__always)
        mutating func next() -> JobField? {
            defer { position += 1 }
            return JobField(rawValue: position)
        }
    }

    /// The field whose key is exactly `raw`; `expected`, the field after the last one
    /// found, is tried first, since members come in wire order.
    static func named(_ raw: UnsafeBufferPointer<UInt8>, expected: JobField? = nil) -> JobField? {
        if let expected, expected.hasKey(raw) { return expected }
        for field in inOrder where field.hasKey(raw) { return field }
        return nil
    }

    /// The field whose key is `key`.
    static func named(_ key: String, expected: JobField? = nil) -> JobField? {
        var key = key
        return key.withUTF8 { named($0, expected: expected) }
    }

    /// The field after this one in wire order, if any.
    var successor: JobField? { JobField(rawValue: rawValue + 1) }

    private func hasKey(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let key = definition.key
        guard key.utf8CodeUnitCount == raw.count, let start = raw.baseAddress else { return false }
        return memcmp(key.utf8Start, start, raw.count) == 0
    }
}

extension JobField {
    /// A field's value as the writers and readers pass it around.
    enum Value: Equatable {
        case null
        case text(String)
        case bytes(OSString)
        case words([OSString])
        case integer(Int64)
        case flag(Bool)
        /// An object of integers under the keys of its kind, in their order.
        case counts(CountObject, [Int64])
        case ports([ListeningPort])
        case listener(ListeningPort?)

        static func optional(_ text: String?) -> Value { text.map(Value.text) ?? .null }
        static func optional(_ number: Int64?) -> Value { number.map(Value.integer) ?? .null }

        // What `set` takes from a value `read` made for the field's kind.
        var text: String { if case let .text(text) = self { text } else { "" } }
        var optionalText: String? { if case let .text(text) = self { text } else { nil } }
        var bytes: OSString { if case let .bytes(bytes) = self { bytes } else { OSString(bytes: []) } }
        var words: [OSString] { if case let .words(words) = self { words } else { [] } }
        var int32: Int32 { optionalInt32 ?? 0 }
        var optionalInt32: Int32? { if case let .integer(number) = self { Int32(truncatingIfNeeded: number) } else { nil } }
        var optionalInt64: Int64? { if case let .integer(number) = self { number } else { nil } }
        var status: JobSnapshot.Status { text == JobSnapshot.Status.running.rawValue ? .running : .stopped }
        var flag: Bool { if case let .flag(flag) = self { flag } else { false } }
        var count: Int64 { optionalInt64 ?? 0 }
        var counts: [Int64]? { if case let .counts(_, values) = self { values } else { nil } }
        var ports: [ListeningPort] { if case let .ports(ports) = self { ports } else { [] } }
        var listener: ListeningPort? { if case let .listener(listener) = self { listener } else { nil } }
    }

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
            return .optional(json?.stringValue)
        case .outcome:
            return .optional(json?.stringValue.flatMap { RunOutcome(rawValue: $0)?.rawValue })
        case .optionalInt32:
            return .optional(json?.intValue.map { Int64(Int32(truncatingIfNeeded: $0)) })
        case .optionalInt64:
            return .optional(json?.intValue)
        case .flag:
            return .flag(json?.boolValue ?? false)
        case .count:
            return .integer(json?.intValue ?? 0)
        case let .counts(object):
            guard let json, case .object = json else { return object.absent }
            return object.value(object.keys.map { json[$0.description]?.intValue })
        case .ports:
            return .ports(ListeningPort.list(json: json))
        case .listener:
            return .listener(json.flatMap(ListeningPort.init(json:)))
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
        case let .words(words): .array(words.map { JSON($0) })
        case let .integer(number): .int(number)
        case let .flag(flag): .bool(flag)
        case let .counts(object, values):
            .object(zip(object.keys, values).map { key, value in (key.description, JSON.int(value)) })
        case let .ports(ports): .array(ports.map(\.json))
        case let .listener(listener): listener?.json ?? .null
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
        case let .counts(object, values):
            var writer = JSONObjectWriter(indent: indent, level: level)
            out.append(UInt8(ascii: "{"))
            for (key, value) in zip(object.keys, values) {
                writer.key(key, into: &out)
                JSON.writeInteger(value, into: &out)
            }
            JSON.newline(&out, indent: indent, level: level)
            out.append(UInt8(ascii: "}"))
        case .ports, .listener: json.write(into: &out, indent: indent, level: level)
        case let .words(words):
            if words.isEmpty {
                out.append(contentsOf: "[]".utf8)
                return
            }
            out.append(UInt8(ascii: "["))
            for n in words.indices {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                JSON.newline(&out, indent: indent, level: level + 1)
                JSON.writeBytes(words[n].bytes, into: &out)
            }
            JSON.newline(&out, indent: indent, level: level)
            out.append(UInt8(ascii: "]"))
        }
    }
}
