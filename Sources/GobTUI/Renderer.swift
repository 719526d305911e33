import GobProtocol

/// Draws a model into a `Screen`: `Renderer.render(model, size:)`.
/// Pure, like `Update`; the terminal adapter only copies the result to the terminal.
public struct Renderer {
    let model: Model
    let glyphs: Glyphs
    let layout: Layout
    var screen: Screen

    private init(model: Model, size: Size) {
        self.model = model
        glyphs = model.glyphs
        layout = Layout(size: size)
        screen = Screen(size: size, asciiOnly: !model.context.unicode)
    }

    public static func render(_ model: Model, size: Size) -> Screen {
        var renderer = Renderer(model: model, size: size)
        if let dialog = model.dialog {
            renderer.drawDialog(dialog)
        } else {
            renderer.drawJobsPanel()
            renderer.drawLogPanel(.stdout)
            renderer.drawLogPanel(.stderr)
            renderer.drawHeader()
            renderer.drawStatusBar()
        }
        return renderer.screen
    }

    /// Row 1: ` gob `, the directory, filler, the job counts, each part padded by one cell.
    private mutating func drawHeader() {
        let width = screen.size.columns
        screen.fill(row: 0, from: 0, to: width)
        var column = screen.write("  gob  ", row: 0, column: 0, style: Theme.brand)
        let running = model.jobs.filter { $0.status == .running }.count
        let counts = "  \(model.jobs.count) jobs (\(running) running)  "
        let countsWidth = DisplayWidth.of(counts)
        let directory = model.allDirectories ? "all directories" : model.shortened(model.context.workdir)
        let room = width - column - countsWidth - 4
        if room >= 3 {
            let shown = Fit.cut(directory, width: room, ellipsis: glyphs.ellipsis)
            column = screen.write("  \(shown)  ", row: 0, column: column, style: Theme.directory)
        }
        screen.write(counts, row: 0, column: max(column, width - countsWidth), style: Theme.brand)
    }

    /// The last row: a fresh message, the lost connection, or the key hints.
    private mutating func drawStatusBar() {
        let row = screen.size.rows - 1
        guard row >= 1 else { return }
        screen.fill(row: row, from: 0, to: screen.size.columns)
        var spans: [Span]
        if let status = model.status {
            spans = [Span(" \(status.text)", status.isError ? Theme.errorMessage : Theme.successMessage)]
        } else if case let .lost(reason) = model.connection {
            spans = [Span(" Daemon connection lost (\(reason)); reconnecting\(glyphs.ellipsis)", Theme.errorMessage)]
        } else {
            spans = [Span(" ")]
            let separator = Style(foreground: Theme.statusText)
            for (index, hint) in hints.enumerated() {
                if index > 0 { spans.append(Span("  ", separator)) }
                spans.append(Span(hint.key, Theme.hintKey))
                spans.append(Span(" ", separator))
                spans.append(Span(hint.description, Theme.hintDescription))
            }
        }
        drawLine(spans, row: row, column: 0, width: screen.size.columns)
    }

    /// The key hints of the focused panel.
    private var hints: [(key: String, description: String)] {
        var hints: [(key: String, description: String)]
        if model.focus == .jobs {
            hints = [
                (glyphs.upDown, "navigate"), ("s", "stop"), ("S", "kill"), ("r", "restart"), ("d", "delete"),
                ("c", "copy"), ("n", "new"), ("a", "all dirs"), ("1/2/3", "panels"),
            ]
        } else {
            hints = [(glyphs.upDown, "scroll"), ("g/G", "top/bottom"), ("f", "follow"), ("1/2/3", "panels")]
        }
        return hints + [("?", "help"), ("q", "quit")]
    }

    /// Draws `spans` from `column`, at most `width` columns: a longer line is cut to
    /// `width − 1` columns plus an ellipsis. With `fill`, the rest of the width is
    /// painted in that style (the selected row).
    mutating func drawLine(_ spans: [Span], row: Int, column: Int, width: Int, fill: Style? = nil) {
        guard width > 0 else { return }
        if let fill { screen.fill(row: row, from: column, to: column + width, style: fill) }
        let total = spans.reduce(0) { $0 + $1.width }
        let end = column + width
        let limit = total > width ? end - 1 : end
        var position = column
        var cutStyle = Style.plain
        for span in spans {
            guard position < limit else { break }
            cutStyle = span.style
            position = screen.write(span.text, row: row, column: position, style: span.style, limit: limit)
        }
        if total > width {
            screen.write(glyphs.ellipsis, row: row, column: limit, style: cutStyle, limit: end)
        }
    }
}
