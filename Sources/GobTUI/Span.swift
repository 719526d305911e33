/// A run of text in one style: the unit lines are built from before they are drawn.
public struct Span: Equatable, Sendable {
    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }

    /// The columns the text takes.
    var width: Int { DisplayWidth.of(text) }
}

/// Cutting text to a number of columns, as §6.2 cuts lines: `width − 1` columns and an
/// ellipsis.
enum Fit {
    static func cut(_ text: String, width: Int, ellipsis: String) -> String {
        guard width > 0 else { return "" }
        if DisplayWidth.of(text) <= width { return text }
        return prefix(text, columns: width - 1) + ellipsis
    }

    /// The longest prefix of `text` that takes at most `columns` columns.
    static func prefix(_ text: String, columns: Int) -> String {
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
