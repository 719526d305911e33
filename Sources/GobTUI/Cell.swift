/// One character cell of a `Screen`.
///
/// A wide character occupies two cells: its own (`width` 2) and a continuation cell
/// (`width` 0) that the terminal adapter never writes.
public struct Cell: Equatable, Sendable {
    public var character: Character
    /// 1, 2 for the first cell of a wide character, 0 for its continuation.
    public var width: UInt8
    public var style: Style

    public init(character: Character, width: UInt8 = 1, style: Style = .plain) {
        self.character = character
        self.width = width
        self.style = style
    }

    /// A space in the terminal's default colours.
    public static let blank = Cell(character: " ")

    /// The right half of a wide character.
    static func continuation(of style: Style) -> Cell {
        Cell(character: " ", width: 0, style: style)
    }
}
