/// The new-job dialog's one-line input: at most 256 characters, edited
/// with the usual keys.
public struct TextInput: Equatable, Sendable {
    public static let limit = 256
    public private(set) var characters: [Character] = []
    /// Insertion point, 0…count.
    public private(set) var cursor = 0

    public init(_ text: String = "") {
        characters = Array(text.prefix(Self.limit))
        cursor = characters.count
    }

    public var text: String { String(characters) }

    /// Applies an editing key; other keys are ignored.
    public mutating func handle(_ key: Key) {
        switch key {
        case let .character(character):
            guard characters.count < Self.limit else { return }
            characters.insert(character, at: cursor)
            cursor += 1
        case .backspace, .control("h"):
            guard cursor > 0 else { return }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .control("d"):
            guard cursor < characters.count else { return }
            characters.remove(at: cursor)
        case .left, .control("b"):
            cursor = max(0, cursor - 1)
        case .right, .control("f"):
            cursor = min(characters.count, cursor + 1)
        case .home, .control("a"):
            cursor = 0
        case .end, .control("e"):
            cursor = characters.count
        case .control("k"):
            characters.removeSubrange(cursor...)
        case .control("u"):
            characters.removeSubrange(..<cursor)
            cursor = 0
        case .control("w"):
            var start = cursor
            while start > 0, characters[start - 1] == " " { start -= 1 }
            while start > 0, characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        default:
            return
        }
    }
}
