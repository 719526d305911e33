/// A frame: a grid of styled cells, the pure result of rendering. The
/// terminal adapter draws only the cells that differ from the previous frame.
///
/// Drawing outside the grid is silently clipped, so a layout larger than a tiny terminal
/// never wraps or scrolls.
public struct Screen: Equatable, Sendable {
    public let size: Size
    /// Replace every non-ASCII character by `?` (the locale is not UTF-8).
    public let asciiOnly: Bool
    public private(set) var cells: [Cell]

    public init(size: Size, asciiOnly: Bool = false) {
        let size = Size(rows: max(0, size.rows), columns: max(0, size.columns))
        self.size = size
        self.asciiOnly = asciiOnly
        cells = Array(repeating: .blank, count: size.rows * size.columns)
    }

    public subscript(row: Int, column: Int) -> Cell {
        cells[row * size.columns + column]
    }

    /// Writes `text` from `column` on, stopping before `limit` (default: the right edge).
    /// Control characters become `?` (tab a space), zero-width ones are dropped, and a
    /// wide character that does not fit leaves a blank. Returns the column after the text.
    @discardableResult
    public mutating func write(
        _ text: some StringProtocol, row: Int, column: Int, style: Style = .plain, limit: Int? = nil
    ) -> Int {
        let end = min(limit ?? size.columns, size.columns)
        var column = column
        for character in text {
            guard column < end else { break }
            let (shown, width) = displayable(character)
            if width == 0 { continue }
            if column + width > end {
                set(row: row, column: column, Cell(character: " ", style: style))
                return end
            }
            if column >= 0 {
                set(row: row, column: column, Cell(character: shown, width: UInt8(width), style: style))
                if width == 2 { set(row: row, column: column + 1, .continuation(of: style)) }
            }
            column += width
        }
        return column
    }

    /// Fills columns `from..<to` of `row` with `character` (single width).
    public mutating func fill(row: Int, from: Int, to: Int, style: Style = .plain, character: Character = " ") {
        var column = max(0, from)
        while column < min(to, size.columns) {
            set(row: row, column: column, Cell(character: character, style: style))
            column += 1
        }
    }

    /// The characters of `row`, without styles.
    public func line(_ row: Int) -> String {
        var text = ""
        for column in 0..<size.columns {
            let cell = self[row, column]
            if cell.width > 0 { text.append(cell.character) }
        }
        return text
    }

    /// Every row, trailing spaces trimmed, joined by line feeds: what a person would see.
    public var text: String {
        (0..<size.rows).map { row in
            var line = line(row)
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// The character as it will be shown, and its width.
    private func displayable(_ character: Character) -> (Character, Int) {
        if character == "\t" { return (" ", 1) }
        if let scalar = character.unicodeScalars.first, scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            return ("?", 1)
        }
        if asciiOnly, !character.isASCII {
            return DisplayWidth.of(character) == 0 ? (character, 0) : ("?", 1)
        }
        return (character, DisplayWidth.of(character))
    }

    /// Stores one cell, blanking the other half of any wide character it overwrites.
    private mutating func set(row: Int, column: Int, _ cell: Cell) {
        guard row >= 0, row < size.rows, column >= 0, column < size.columns else { return }
        let index = row * size.columns + column
        let old = cells[index]
        if old.width == 0, column > 0, cells[index - 1].width == 2 {
            cells[index - 1] = Cell(character: " ", style: cells[index - 1].style)
        }
        if old.width == 2, column + 1 < size.columns, cell.width != 2 {
            cells[index + 1] = Cell(character: " ", style: old.style)
        }
        // A wide character cut by the right edge is shown as a blank.
        if cell.width == 2, column + 1 >= size.columns {
            cells[index] = Cell(character: " ", style: cell.style)
            return
        }
        cells[index] = cell
    }
}
