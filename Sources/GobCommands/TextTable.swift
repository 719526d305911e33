import GobTUI

/// Columns of text for `ports` and `ps`: a header row, then one row per item, each
/// column as wide as its widest cell and two spaces apart; the last column is not padded.
/// Numbers are right-aligned, so their digits line up.
struct TextTable {
    struct Column {
        var title: String
        var rightAligned = false
    }

    var columns: [Column]
    var rows: [[String]] = []

    /// The table's lines, each ending in a line feed.
    var text: String {
        var widths = columns.map { DisplayWidth.of($0.title) }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], DisplayWidth.of(cell))
            }
        }
        var text = ""
        for row in [columns.map(\.title)] + rows {
            var line = ""
            for (index, cell) in row.enumerated() where index < columns.count {
                let padding = String(repeating: " ", count: max(widths[index] - DisplayWidth.of(cell), 0))
                let last = index == columns.count - 1
                if index > 0 { line += "  " }
                if columns[index].rightAligned {
                    line += padding + cell
                } else {
                    line += last ? cell : cell + padding
                }
            }
            text += line + "\n"
        }
        return text
    }
}
