/// A JSON value whose objects keep their key order.
///
/// gob's wire format and its `--json` outputs have fixed key orders and Go-style escaping,
/// which no Foundation encoder produces; and the client path stays free of Foundation to keep process start-up short. So this small value type,
/// its parser (`JSON+Parsing.swift`) and its writer (`JSON+Writing.swift`) are ours.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// An integer that fits in 64 bits, kept exact.
    case int(Int64)
    /// Any other number.
    case double(Double)
    case string(String)
    /// A string given as bytes (an argument, a path), which need not be UTF-8: on the
    /// wire, each byte outside a valid sequence is the lone surrogate escape
    /// `\udc80`–`\udcff`. Equal to the `.string` of the same bytes. The parser gives
    /// `.bytes` only for strings that are not UTF-8.
    case bytes([UInt8])
    case array([JSON])
    /// Members in document order; a duplicated key keeps its last value on lookup.
    case object([(String, JSON)])

    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.int(a), .double(b)), let (.double(b), .int(a)): return Double(a) == b
        case let (.string(a), .string(b)): return a == b
        case let (.bytes(a), .bytes(b)): return a == b
        case let (.string(a), .bytes(b)), let (.bytes(b), .string(a)): return a.utf8.elementsEqual(b)
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value of `key` when this is an object holding it.
    public subscript(key: String) -> JSON? {
        guard case let .object(members) = self else { return nil }
        return members.last(where: { $0.0 == key })?.1
    }

    /// A string as text; bytes that are not UTF-8 become U+FFFD. For an argument, an
    /// environment entry or a path, which must reach the OS unchanged, use `osStringValue`.
    public var stringValue: String? {
        switch self {
        case let .string(s): return s
        case let .bytes(b): return String(decoding: b, as: UTF8.self)
        default: return nil
        }
    }

    /// A string's exact bytes.
    public var osStringValue: OSString? {
        switch self {
        case let .string(s): return OSString(s)
        case let .bytes(b): return OSString(bytes: b)
        default: return nil
        }
    }

    /// `value` as a JSON string of its bytes; the writer checks them, so text costs no
    /// conversion here.
    public init(_ value: OSString) {
        self = .bytes(value.bytes)
    }

    public var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    /// The value as an integer: exact integers, or finite doubles truncated toward zero.
    public var intValue: Int64? {
        switch self {
        case let .int(i): return i
        case let .double(d) where d.isFinite && abs(d) < 9.2e18: return Int64(d)
        default: return nil
        }
    }

    public var arrayValue: [JSON]? {
        if case let .array(a) = self { return a }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A JSON string, or `null` for nil.
    public static func optional(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }

    /// A JSON string of `value`'s bytes, or `null` for nil.
    public static func optional(_ value: OSString?) -> JSON { value.map(JSON.init) ?? .null }

    /// A JSON integer, or `null` for nil.
    public static func optional(_ i: Int64?) -> JSON { i.map(JSON.int) ?? .null }
}
