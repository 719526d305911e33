import GobProtocol
import GobTUI

/// How `gob ps` prints a job's processes: a table whose command column shows the tree,
/// each child under its parent, indented as `ps f` does.
enum ProcessTreeReport {
    /// The table; `columns`: the terminal's width, to cut commands to (nil: not cut).
    static func text(_ processes: [JobProcess], columns: Int?, unicode: Bool) -> String {
        var table = TextTable(columns: [
            TextTable.Column(title: "PID", rightAligned: true), TextTable.Column(title: "PPID", rightAligned: true),
            TextTable.Column(title: "STATE"), TextTable.Column(title: "CPU", rightAligned: true),
            TextTable.Column(title: "RSS", rightAligned: true), TextTable.Column(title: "COMMAND"),
        ])
        table.rows = processes.map { process in
            let branch = process.depth > 0 ? String(repeating: "   ", count: process.depth - 1) + "\\_ " : ""
            return [
                String(process.pid), String(process.ppid), process.state,
                DurationText.format(milliseconds: process.cpuMilliseconds), size(process.rssBytes),
                branch + process.commandLine,
            ]
        }
        let text = table.text
        guard let columns else { return text }
        let ellipsis = unicode ? "…" : "~"
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map { Fit.cut(String($0), width: max(columns, 20), ellipsis: ellipsis) + "\n" }.joined()
    }

    /// A size as `ps`-like short text: `812K`, `3.1M`, `120M`, `1.2G`.
    static func size(_ bytes: Int64) -> String {
        let units = ["K", "M", "G", "T"]
        var value = Double(max(bytes, 0)) / 1024
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if value < 10 && unit > 0 {
            let tenths = Int((value * 10).rounded())
            return "\(tenths / 10).\(tenths % 10)\(units[unit])"
        }
        return "\(Int(value.rounded()))\(units[unit])"
    }
}
