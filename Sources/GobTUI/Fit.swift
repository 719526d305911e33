/// Cutting text to a number of columns: `width − 1` columns and an ellipsis. The TUI cuts
/// every line so; `gob list` cuts long commands so on a terminal.
public enum Fit {
    public static func cut(_ text: String, width: Int, ellipsis: String) -> String {
        guard width > 0 else { return "" }
        if DisplayWidth.of(text) <= width { return text }
        return prefix(text, columns: width - 1) + ellipsis
    }

    /// The longest prefix of `text` that takes at most `columns` columns.
    public static func prefix(_ text: String, columns: Int) -> String {
        var result = ""
        var used = 0
        for character in text {
            let width = DisplayWidth.of(character)
            if used + width > columns { break }
            result.append(character)
            used += width
        }
        return result
    }
}
