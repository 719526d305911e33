import GobProtocol

/// The three panels of the main screen.
extension Renderer {
    mutating func drawJobsPanel() {
        let rect = layout.jobs
        drawFrame(rect, title: "1 Jobs", focused: model.focus == .jobs)
        let width = rect.width - 4
        var row = rect.row + 1
        let bottom = rect.row + rect.height - 1
        guard !model.jobs.isEmpty else {
            drawLine([Span("No jobs. Press 'n' to start one.", Theme.mutedText)], row: row, column: rect.column + 2, width: width)
            return
        }
        // Upstream cuts the command at this many bytes; here, columns, so no character is split.
        let commandLimit = max(rect.width - 4 - 25, 10)
        let start = min(model.listTop, model.jobs.count - 1)
        for index in start..<model.jobs.count {
            guard row < bottom else { break }
            let job = model.jobs[index]
            let selected = index == model.cursor
            let glyph = glyphs.status(of: job)
            // How its last run ended, after the command.
            let outcome = RunOutcome.mark(
                job.status == .running ? nil : job.outcome, exitCode: job.exitCode, signal: job.signal,
                unicode: model.context.unicode, short: true)
            let command = Fit.cut(
                job.commandLine, width: max(commandLimit - (outcome.isEmpty ? 0 : DisplayWidth.of(outcome) + 2), 10),
                ellipsis: glyphs.ellipsis)
            let last = outcome.isEmpty ? "" : "  " + outcome
            if selected {
                let text = " \(glyph) \(job.id) [\(job.pid)] \(command)\(last)"
                drawLine([Span(text, Theme.selectedRow)], row: row, column: rect.column + 2, width: width, fill: Theme.selectedRow)
            } else {
                drawLine([
                    Span(" "), Span(glyph, Self.glyphStyle(of: job)),
                    Span(" "), Span(job.id, Theme.identifier), Span(" "), Span("[\(job.pid)]", Theme.mutedText),
                    Span(" \(command)"), Span(last, Self.glyphStyle(of: job)),
                ], row: row, column: rect.column + 2, width: width)
            }
            row += 1
            if model.allDirectories, row < bottom {
                let directory = "   " + model.shortened(job.workdir)
                if selected {
                    drawLine([Span(directory, Theme.selectedRow)], row: row, column: rect.column + 2, width: width, fill: Theme.selectedRow)
                } else {
                    drawLine([Span(directory, Style(foreground: Theme.muted, italic: true))], row: row, column: rect.column + 2, width: width)
                }
                row += 1
            }
        }
    }

    mutating func drawLogPanel(_ stream: LogStream) {
        let rect = stream == .stdout ? layout.stdout : layout.stderr
        let job = model.selectedJob
        var title = stream == .stdout ? "2 stdout" : "3 stderr"
        if stream == .stdout, let job, let run = model.shownRun {
            // An earlier run: which, and how it ended.
            title += ": \(run.id) "
                + RunOutcome.mark(run.outcome, exitCode: run.exitCode, signal: run.signal, unicode: model.context.unicode)
            title += run.logsPruned ? " (logs pruned)" : " (earlier run of \(job.id); ] for newer)"
        } else if stream == .stdout, let job {
            title += ": \(job.id) \(glyphs.status(of: job))"
            // Which run, once there are several to tell apart.
            if let run = job.run, job.runs > 1 { title += " " + run }
            if let failure = job.failure { title += " " + failure }
            // The job's description (`add -d`) says what it is; a job's text is never
            // trusted to be printable.
            if let description = job.description {
                title += " " + LogLine.sanitize(Array(description.utf8))
            }
            if job.status == .running, !job.ports.isEmpty { title += " " + ListeningPort.summary(job.ports) }
        }
        if model.follow, job != nil, model.shownRun == nil { title += " [following]" }
        drawFrame(rect, title: title, focused: model.focus.rawValue == (stream == .stdout ? 2 : 3))
        let column = rect.column + 2
        let width = rect.width - 4
        let pane = model.pane(stream)
        guard job != nil else {
            if stream == .stdout { drawLine([Span("No job selected", Theme.mutedText)], row: rect.row + 1, column: column, width: width) }
            return
        }
        guard !pane.isEmpty else {
            let ended = job?.status == .stopped || model.shownRun != nil
            var text = stream == .stderr ? "(no errors)" : ended ? "(no output)" : "(no output yet)"
            if model.shownRun?.logsPruned == true { text = "(logs pruned)" }
            drawLine([Span(text, Theme.mutedText)], row: rect.row + 1, column: column, width: width)
            return
        }
        let style = stream == .stdout ? Style.plain : Theme.errorLine
        let height = layout.viewportHeight(stream)
        let lines = pane.displayLines
        let top = min(pane.top, max(lines.count - height, 0))
        for (offset, line) in lines[top..<min(top + height, lines.count)].enumerated() {
            drawLine([Span(line, style)], row: rect.row + 1 + offset, column: column, width: width)
        }
    }

    /// The style of a job's glyph in the Jobs panel.
    static func glyphStyle(of job: JobSnapshot) -> Style {
        if job.status == .running { return Theme.runningGlyph }
        return job.failure == nil ? Theme.stoppedGlyph : Theme.failedGlyph
    }

    /// A rounded frame with ` <title> ` in its top border.
    mutating func drawFrame(_ rect: Layout.Rect, title: String, focused: Bool) {
        drawBox(rect, style: Theme.border(focused: focused))
        guard rect.width >= 5 else { return }
        let text = Fit.cut(" \(title) ", width: rect.width - 3, ellipsis: glyphs.ellipsis)
        screen.write(text, row: rect.row, column: rect.column + 2, style: Theme.title(focused: focused),
                     limit: rect.column + rect.width - 1)
    }

    /// A rounded box, its inside left as it is.
    mutating func drawBox(_ rect: Layout.Rect, style: Style) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.column + rect.width - 1
        let bottom = rect.row + rect.height - 1
        let horizontal = Character(glyphs.horizontal)
        let vertical = glyphs.vertical
        screen.write(glyphs.topLeft, row: rect.row, column: rect.column, style: style)
        screen.fill(row: rect.row, from: rect.column + 1, to: right, style: style, character: horizontal)
        screen.write(glyphs.topRight, row: rect.row, column: right, style: style)
        for row in rect.row + 1..<bottom {
            screen.write(vertical, row: row, column: rect.column, style: style)
            screen.write(vertical, row: row, column: right, style: style)
        }
        screen.write(glyphs.bottomLeft, row: bottom, column: rect.column, style: style)
        screen.fill(row: bottom, from: rect.column + 1, to: right, style: style, character: horizontal)
        screen.write(glyphs.bottomRight, row: bottom, column: right, style: style)
    }
}
