/// Decodes the bytes a terminal sends in raw mode into keys: UTF-8 text, control
/// characters, and the escape sequences of xterm-compatible terminals (CSI and SS3
/// forms, with or without modifiers). Unknown sequences are consumed and ignored.
///
/// Reads from the terminal can split a sequence anywhere (`ESC [` in one read, `A` in the
/// next, under load or over ssh), so the decoder keeps an unfinished sequence or UTF-8
/// character for the next `feed`. An ESC alone is the escape key only once no more
/// bytes follow it soon: the event loop calls `flush()` when nothing more arrived within
/// `escapeDelay` of a `feed` that left something pending.
public struct KeyParser: Sendable {
    /// How long an unfinished sequence waits for the rest before it counts as typed
    /// (ESC alone: the escape key), in milliseconds. Terminals send a sequence in one
    /// write; this only has to cover the gap between two reads.
    public static let escapeDelay = 40
    /// An unfinished sequence longer than this is junk, not a key: it is dropped.
    static let pendingLimit = 64

    private static let escape: UInt8 = 0x1B

    /// Bytes of an unfinished sequence from the previous `feed`.
    public private(set) var pending: [UInt8] = []

    public init() {}

    /// The keys in `bytes` (after what was pending); an unfinished sequence at the end
    /// is kept for the next call.
    public mutating func feed(_ bytes: [UInt8]) -> [Key] {
        let input = pending + bytes
        let (keys, end) = Self.decode(input, final: false)
        pending = Array(input[end...])
        if pending.count > Self.pendingLimit { pending = [] }
        return keys
    }

    /// What is pending, taken as typed: ESC alone is the escape key, the rest of an
    /// unfinished sequence is dropped.
    public mutating func flush() -> [Key] {
        let (keys, _) = Self.decode(pending, final: true)
        pending = []
        return keys
    }

    /// Decodes `bytes` whole, as if nothing more were to come.
    public static func parse(_ bytes: [UInt8]) -> [Key] {
        decode(bytes, final: true).keys
    }

    /// The keys and the index where decoding stopped: at the start of an unfinished
    /// sequence unless `final`.
    private static func decode(_ bytes: [UInt8], final: Bool) -> (keys: [Key], end: Int) {
        var keys: [Key] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let next: Int?
            switch byte {
            case escape:
                next = parseEscape(bytes, from: index, final: final, into: &keys)
            case 0x0D, 0x0A:
                keys.append(.enter)
                next = index + 1
            case 0x09:
                keys.append(.tab)
                next = index + 1
            case 0x7F, 0x08:
                keys.append(.backspace)
                next = index + 1
            case 0x00, 0x1C...0x1F:
                next = index + 1
            case 0x01...0x1A:
                keys.append(.control(Character(Unicode.Scalar(byte + 0x60))))
                next = index + 1
            default:
                next = parseText(bytes, from: index, final: final, into: &keys)
            }
            guard let next else { return (keys, index) }
            index = next
        }
        return (keys, index)
    }

    /// One UTF-8 character; an invalid byte is skipped alone, so what follows still
    /// counts. Nil: the character is cut short and more may come.
    private static func parseText(_ bytes: [UInt8], from start: Int, final: Bool, into keys: inout [Key]) -> Int? {
        let lead = bytes[start]
        let length: Int
        switch lead {
        case 0x20..<0x80: length = 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return start + 1
        }
        let end = start + length
        let available = bytes[(start + 1)..<min(end, bytes.count)]
        guard available.allSatisfy({ $0 & 0xC0 == 0x80 }) else { return start + 1 }
        guard end <= bytes.count else { return final ? bytes.count : nil }
        if let text = String(validating: bytes[start..<end], as: UTF8.self), let character = text.first {
            keys.append(.character(character))
        }
        return end
    }

    /// ESC alone is the escape key; ESC `[` or ESC `O` start a sequence; ESC followed by
    /// another byte (alt+key) is ignored with that byte. Nil: unfinished.
    private static func parseEscape(_ bytes: [UInt8], from start: Int, final: Bool, into keys: inout [Key]) -> Int? {
        let next = start + 1
        guard next < bytes.count else {
            guard final else { return nil }
            keys.append(.escape)
            return next
        }
        switch bytes[next] {
        case UInt8(ascii: "["):
            return parseControlSequence(bytes, from: next + 1, final: final, into: &keys)
        case UInt8(ascii: "O"):
            guard next + 1 < bytes.count else { return final ? next + 1 : nil }
            if let key = ss3Keys[bytes[next + 1]] { keys.append(key) }
            return next + 2
        case escape:
            keys.append(.escape)
            return next
        default:
            return next + 1
        }
    }

    /// CSI: parameters (0x30–0x3F), intermediates (0x20–0x2F), one final byte. Nil:
    /// unfinished.
    private static func parseControlSequence(_ bytes: [UInt8], from start: Int, final: Bool, into keys: inout [Key]) -> Int? {
        var index = start
        while index < bytes.count, (0x20...0x3F).contains(bytes[index]) { index += 1 }
        guard index < bytes.count else { return final ? index : nil }
        let finalByte = bytes[index]
        let parameters = String(decoding: bytes[start..<index], as: UTF8.self)
        let first = parameters.split(separator: ";").first.map(String.init) ?? ""
        if finalByte == UInt8(ascii: "~") {
            if let key = tildeKeys[first] { keys.append(key) }
        } else if let key = ss3Keys[finalByte] {
            keys.append(key)
        } else if finalByte == UInt8(ascii: "Z") {
            keys.append(.backTab)
        }
        return index + 1
    }

    /// Final bytes shared by `ESC [ x` and `ESC O x`.
    private static let ss3Keys: [UInt8: Key] = [
        UInt8(ascii: "A"): .up, UInt8(ascii: "B"): .down, UInt8(ascii: "C"): .right, UInt8(ascii: "D"): .left,
        UInt8(ascii: "H"): .home, UInt8(ascii: "F"): .end,
    ]

    /// `ESC [ n ~` keys.
    private static let tildeKeys: [String: Key] = [
        "1": .home, "2": .insert, "3": .delete, "4": .end, "5": .pageUp, "6": .pageDown, "7": .home, "8": .end,
    ]
}
