import Foundation

/// One line of the result table: a measure, what gob and the reference did, the comparison,
/// and whether the target was met.
struct ReportRow {
    /// The outcome against the target; `failed` means the measure could not be taken.
    enum Verdict: Equatable {
        case met
        case missed
        case failed(String)
    }

    let measure: String
    let gob: String
    let reference: String
    let result: String
    let target: String
    let verdict: Verdict

    /// The row of a measure that was taken; `met` tells whether the target was reached.
    init(measure: String, gob: String, reference: String, result: String, target: String, met: Bool) {
        self.measure = measure
        self.gob = gob
        self.reference = reference
        self.result = result
        self.target = target
        verdict = met ? .met : .missed
    }

    /// The row of a measure that failed with `error`.
    init(measure: String, target: String, error: BenchError) {
        self.measure = measure
        gob = "—"
        reference = "—"
        result = "**FAILED**: \(error.description)"
        self.target = target
        verdict = .failed(error.description)
    }

    var failed: Bool {
        if case .failed = verdict { return true }
        return false
    }

    /// The row as a markdown table line; `|` and newlines in texts are escaped.
    var markdown: String {
        let mark = switch verdict {
        case .met: " — met"
        case .missed: " — **missed**"
        case .failed: ""
        }
        let cells = [measure, gob, reference, result, target + mark].map(ReportRow.escape)
        return "| " + cells.joined(separator: " | ") + " |"
    }

    /// Makes `text` safe inside a table cell.
    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
