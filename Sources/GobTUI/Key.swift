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
