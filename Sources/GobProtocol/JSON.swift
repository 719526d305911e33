/// A JSON value whose objects keep their key order.
///
/// gob's wire format and its `--json` outputs have fixed key orders and Go-style escaping
/// (contract §2.5, §5.3, §5.4, §5.6), which no Foundation encoder produces; and the client
/// path stays free of Foundation to keep process start-up short. So this small value type,
/// its parser (`JSON+Parsing.swift`) and its writer (`JSON+Writing.swift`) are ours.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// An integer that fits in 64 bits, kept exact.
    case int(Int64)
    /// Any other number.
    case double(Double)
    case string(String)
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

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
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

    /// A JSON integer, or `null` for nil.
    public static func optional(_ i: Int64?) -> JSON { i.map(JSON.int) ?? .null }
}
