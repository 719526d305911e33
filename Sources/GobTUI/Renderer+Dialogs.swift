/// The new-job and help dialogs: centred on an otherwise empty screen, a rounded
/// accent-coloured border, one row and two columns of padding.
extension Renderer {
    /// Columns of the new-job input's text.
    static let inputWidth = 50
    /// Inner width of the help dialog (lipgloss `Width(45)` includes the padding).
    static let helpWidth = 45

    mutating func drawDialog(_ dialog: Dialog) {
        switch dialog {
        case let .newJob(input, problem):
            let width = 2 + Self.inputWidth + 1
            var lines: [[Span]] = [[Span("Start New Job", Theme.dialogTitle)], [], inputLine(input), []]
            if let problem {
                lines += Self.wrapped(problem, width: width).map { [Span($0, Theme.errorMessage)] }
                lines.append([])
            }
            lines.append([Span("enter: start \(glyphs.bullet) esc: cancel", Theme.mutedText)])
            drawDialogBox(lines, contentWidth: width)
        case .help:
            drawDialogBox(helpLines, contentWidth: Self.helpWidth - 4)
        case let .project(project):
            let width = min(max(Self.inputWidth, screen.size.columns - 12), 90)
            drawDialogBox(projectLines(project, width: width), contentWidth: width)
        }
    }

    /// `> ` and the visible part of the text, the cursor drawn in reverse video; the
    /// placeholder when empty.
    private func inputLine(_ input: TextInput) -> [Span] {
        let prompt = Span("> ", Style(foreground: Theme.accent))
        let cursorStyle = Style(reverse: true)
        guard !input.characters.isEmpty else {
            return [prompt, Span("c", Style(foreground: Theme.muted, reverse: true)), Span("ommand args...", Theme.mutedText)]
        }
        let first = max(0, input.cursor - (Self.inputWidth - 1))
        let characters = input.characters
        let before = String(characters[first..<input.cursor])
        let under = input.cursor < characters.count ? String(characters[input.cursor]) : " "
        let afterStart = min(input.cursor + 1, characters.count)
        let after = String(characters[afterStart..<min(characters.count, first + Self.inputWidth)])
        return [prompt, Span(before), Span(under, cursorStyle), Span(after)]
    }

    /// `text` cut into lines of at most `width` columns at spaces (a longer word is cut
    /// by the line), at most three lines.
    static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if DisplayWidth.of(candidate) <= width || line.isEmpty {
                line = candidate
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        lines.append(line)
        return Array(lines.prefix(3))
    }

    /// The keyboard shortcuts.
    private var helpLines: [[Span]] {
        let key = Style(foreground: Theme.accent)
        let heading = Style(bold: true)
        func entry(_ keys: String, _ text: String) -> [Span] {
            [Span("  "), Span(keys.padding(to: 11), key), Span(text)]
        }
        let sections: [(String, [(String, String)])] = [
            ("Navigation", [("\(glyphs.upKey) \(glyphs.downKey)", "move cursor"), ("g/G", "first/last"), ("tab", "switch panel")]),
            ("Job Actions", [
                ("s", "stop (SIGTERM)"), ("S", "kill (SIGKILL)"), ("r", "restart"), ("d", "delete stopped"),
                ("c", "copy command"), ("n", "new job"), ("p", "project jobs (gobfile)"),
                ("[ ]", "earlier/later run's logs"),
            ]),
            ("Log Viewer", [
                ("\(glyphs.upKey) \(glyphs.downKey)", "scroll"), ("pgup/pgdn", "page scroll"), ("g/G", "top/bottom"),
                ("f", "toggle follow"),
            ]),
            ("Other", [("a", "toggle all dirs"), ("?", "this help"), ("q", "quit")]),
        ]
        var lines: [[Span]] = [[Span("Keyboard Shortcuts", Theme.dialogTitle)], []]
        for (title, entries) in sections {
            lines.append([Span(title, heading)])
            lines += entries.map { entry($0.0, $0.1) }
            lines.append([])
        }
        lines.append([Span("press esc or ? to close", Theme.mutedText)])
        return lines
    }

    /// The project dialog: one row per entry — glyph, name, then the running job's ID or
    /// the command (a blocked entry: its reason) — the selected row highlighted.
    private func projectLines(_ project: ProjectDialog, width: Int) -> [[Span]] {
        var lines: [[Span]] = [[Span("Project Jobs", Theme.dialogTitle), Span("  " + project.path, Theme.mutedText)], []]
        let nameWidth = min(project.entries.map { DisplayWidth.of($0.name) }.max() ?? 0, 24)
        for (index, entry) in project.entries.enumerated() {
            let selected = index == project.cursor
            let marker = Span(selected ? "> " : "  ", Style(foreground: Theme.accent))
            let name = Span(" " + entry.name.padding(to: nameWidth) + "  ", selected ? Style(bold: true) : .plain)
            var row: [Span]
            if entry.blocked {
                let reason = entry.description.map { " \(glyphs.bullet) " + $0 } ?? ""
                row = [marker, Span(glyphs.failed, Theme.failedGlyph), name, Span("blocked" + reason, Theme.errorMessage)]
            } else if let job = ProjectDialog.runningJob(of: entry, in: model.jobs) {
                row = [marker, Span(glyphs.running, Theme.runningGlyph), name, Span(job.id, Theme.identifier), Span("  running")]
            } else {
                row = [marker, Span(glyphs.stopped, Theme.stoppedGlyph), name, Span(entry.commandLine, Theme.mutedText)]
            }
            lines.append(row)
        }
        lines.append([])
        if let problem = project.problem {
            lines += Self.wrapped(problem, width: width).map { [Span($0, Theme.errorMessage)] }
            lines.append([])
        }
        lines.append([Span("enter: start \(glyphs.bullet) \(glyphs.upDown): select \(glyphs.bullet) esc: close", Theme.mutedText)])
        return lines
    }

    /// Clears the screen and draws `lines` in a centred box.
    private mutating func drawDialogBox(_ lines: [[Span]], contentWidth: Int) {
        let width = contentWidth + 6
        let height = lines.count + 4
        let rect = Layout.Rect(
            row: max(0, (screen.size.rows - height) / 2), column: max(0, (screen.size.columns - width) / 2),
            height: height, width: width)
        drawBox(rect, style: Theme.dialogBorder)
        for (index, line) in lines.enumerated() {
            drawLine(line, row: rect.row + 2 + index, column: rect.column + 3, width: contentWidth)
        }
    }
}

extension String {
    /// The string followed by spaces up to `width` columns.
    fileprivate func padding(to width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - DisplayWidth.of(self)))
    }
}
