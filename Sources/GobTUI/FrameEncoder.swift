/// Turns a frame into the bytes that make the terminal show it, writing only the cells
/// that differ from the previous frame: a cursor move where the changed cells are not
/// contiguous, an SGR sequence where the style changes, then the characters. Pure, so
/// the diffing is tested byte for byte.
public enum FrameEncoder {
    private static let escape = "\u{1B}["

    /// The bytes that turn `previous` (nil: unknown, e.g. after a resize) into `screen`.
    public static func encode(_ screen: Screen, over previous: Screen?, colors: ColorMode) -> [UInt8] {
        var output = ""
        let repaint = previous?.size != screen.size
        if repaint { output += escape + "0m" + escape + "2J" }
        // Where the terminal's cursor is (nil: unknown) and which style it draws with.
        var cursor: (row: Int, column: Int)?
        var pen: Style?
        if repaint { pen = .plain }
        let columns = screen.size.columns
        for row in 0..<screen.size.rows {
            for column in 0..<columns {
                let cell = screen[row, column]
                if cell.width == 0 { continue }
                if let previous, !repaint {
                    if previous[row, column] == cell { continue }
                } else if cell == .blank {
                    continue
                }
                if cursor?.row != row || cursor?.column != column {
                    output += escape + "\(row + 1);\(column + 1)H"
                }
                if pen != cell.style {
                    output += SGR.sequence(for: cell.style, colors: colors)
                    pen = cell.style
                }
                output.append(cell.character)
                let next = column + Int(cell.width)
                // With line wrap off, the cursor stays in the last column: position anew.
                cursor = next < columns ? (row, next) : nil
            }
        }
        if pen != nil, pen != .plain { output += escape + "0m" }
        return Array(output.utf8)
    }
}
