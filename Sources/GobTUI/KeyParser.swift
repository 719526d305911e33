/// Decodes the bytes a terminal sends in raw mode into keys: UTF-8 text, control
/// characters, and the escape sequences of xterm-compatible terminals (CSI and SS3
/// forms, with or without modifiers). Unknown sequences are consumed and ignored.
public enum KeyParser {
    private static let escape: UInt8 = 0x1B

    public static func parse(_ bytes: [UInt8]) -> [Key] {
        var keys: [Key] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case escape:
                index = parseEscape(bytes, from: index, into: &keys)
            case 0x0D, 0x0A:
                keys.append(.enter)
                index += 1
            case 0x09:
                keys.append(.tab)
                index += 1
            case 0x7F, 0x08:
                keys.append(.backspace)
                index += 1
            case 0x00:
                index += 1
            case 0x01...0x1A:
                keys.append(.control(Character(Unicode.Scalar(byte + 0x60))))
                index += 1
            case 0x1C...0x1F:
                index += 1
            default:
                index = parseText(bytes, from: index, into: &keys)
            }
        }
        return keys
    }

    /// One UTF-8 character; an invalid byte is skipped alone, so what follows still counts.
    private static func parseText(_ bytes: [UInt8], from start: Int, into keys: inout [Key]) -> Int {
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
        guard end <= bytes.count, bytes[start + 1..<end].allSatisfy({ $0 & 0xC0 == 0x80 }) else { return start + 1 }
        if let text = String(validating: bytes[start..<end], as: UTF8.self), let character = text.first {
            keys.append(.character(character))
        }
        return end
    }

    /// ESC alone is the escape key; ESC `[` or ESC `O` start a sequence; ESC followed by
    /// another byte (alt+key) is ignored with that byte.
    private static func parseEscape(_ bytes: [UInt8], from start: Int, into keys: inout [Key]) -> Int {
        let next = start + 1
        guard next < bytes.count else {
            keys.append(.escape)
            return next
        }
        switch bytes[next] {
        case UInt8(ascii: "["):
            return parseControlSequence(bytes, from: next + 1, into: &keys)
        case UInt8(ascii: "O"):
            guard next + 1 < bytes.count else { return next + 1 }
            if let key = ss3Keys[bytes[next + 1]] { keys.append(key) }
            return next + 2
        case escape:
            keys.append(.escape)
            return next
        default:
            return next + 1
        }
    }

    /// CSI: parameters (0x30–0x3F), intermediates (0x20–0x2F), one final byte.
    private static func parseControlSequence(_ bytes: [UInt8], from start: Int, into keys: inout [Key]) -> Int {
        var index = start
        while index < bytes.count, (0x20...0x3F).contains(bytes[index]) { index += 1 }
        guard index < bytes.count else { return index }
        let final = bytes[index]
        let parameters = String(decoding: bytes[start..<index], as: UTF8.self)
        let first = parameters.split(separator: ";").first.map(String.init) ?? ""
        if final == UInt8(ascii: "~") {
            if let key = tildeKeys[first] { keys.append(key) }
        } else if let key = ss3Keys[final] {
            keys.append(key)
        } else if final == UInt8(ascii: "Z") {
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
