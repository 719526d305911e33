/// A key press, decoded from the terminal's input bytes by `KeyParser`.
public enum Key: Equatable, Hashable, Sendable {
    /// A printable character (`q`, `G`, `é`, space).
    case character(Character)
    /// Ctrl plus a letter, lower-case: `.control("c")` is ctrl+c.
    case control(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown
    case insert, delete, backspace
    case enter, tab, backTab, escape
}

extension Key {
    /// How the status bar names the key.
    public var name: String {
        switch self {
        case let .character(character): character == " " ? "space" : String(character)
        case let .control(character): "ctrl+\(character)"
        case .up: "up"
        case .down: "down"
        case .left: "left"
        case .right: "right"
        case .home: "home"
        case .end: "end"
        case .pageUp: "pgup"
        case .pageDown: "pgdn"
        case .insert: "insert"
        case .delete: "delete"
        case .backspace: "backspace"
        case .enter: "enter"
        case .tab: "tab"
        case .backTab: "shift+tab"
        case .escape: "esc"
        }
    }
}
