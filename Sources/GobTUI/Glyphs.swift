import GobProtocol

/// The box-drawing characters, status glyphs and arrows, in Unicode when the locale is
/// UTF-8 and in ASCII otherwise (`LANG=C`), so a terminal that cannot show `●` or `╭`
/// still gets an intact layout.
public struct Glyphs: Equatable, Sendable {
    public var topLeft: String
    public var topRight: String
    public var bottomLeft: String
    public var bottomRight: String
    public var horizontal: String
    public var vertical: String
    public var running: String
    /// A job that ended well: exit 0, or stopped by gob.
    public var stopped: String
    /// A job whose last process failed (`JobSnapshot.failure`).
    public var failed: String
    /// Marks a line cut short.
    public var ellipsis: String
    /// The up/down keys in hints: `↑↓`.
    public var upDown: String
    /// `↑/k` and `↓/j` in the help dialog.
    public var upKey: String
    public var downKey: String
    /// Separates the new-job dialog's hints.
    public var bullet: String

    public static let unicode = Glyphs(
        topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯", horizontal: "─", vertical: "│",
        running: "●", stopped: "○", failed: "✗", ellipsis: "…", upDown: "↑↓", upKey: "↑/k", downKey: "↓/j", bullet: "•")

    public static let ascii = Glyphs(
        topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+", horizontal: "-", vertical: "|",
        running: "*", stopped: "o", failed: "!", ellipsis: "~", upDown: "k/j", upKey: "up/k", downKey: "dn/j", bullet: "-")

    /// The glyph of a job: running, ended well, or failed.
    public func status(of job: JobSnapshot) -> String {
        if job.status == .running { return running }
        return job.failure == nil ? stopped : failed
    }
}
