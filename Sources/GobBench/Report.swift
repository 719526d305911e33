/// The benchmark's output: the machine line, the versions, how it was measured, and the
/// table.
struct Report {
    let machine: MachineInfo
    let gobVersion: String
    let tmuxVersion: String
    /// How many runs and samples each measure took.
    let method: String
    let rows: [ReportRow]

    /// True when some measure could not be taken: the benchmark then exits 1.
    var failed: Bool { rows.contains { $0.failed } }

    var markdown: String {
        var lines = [
            "- \(machine.line)",
            "- versions: \(gobVersion) · \(tmuxVersion)",
            "- \(method)",
            "",
            "| measure | gob | reference | ratio/result | target |",
            "|---|---|---|---|---|",
        ]
        lines += rows.map(\.markdown)
        lines += [
            "",
            "Times are whole processes (spawn to reap), median (min–max) in ms. Ratios are gob ÷ reference "
                + "for each interleaved pair, median (min–max) of those per-pair ratios. p99 is nearest-rank.",
        ]
        let failures = rows.filter(\.failed)
        if !failures.isEmpty {
            lines += ["", "FAILED: " + failures.map(\.measure).joined(separator: "; ")]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
