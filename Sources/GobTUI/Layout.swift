/// Where the panels go on a W × H terminal.
///
/// The Jobs panel takes 40% of the width (40 to 60 columns), stderr 20% of the height (at
/// least 4 rows). On terminals smaller than that assumes (below 40 columns or 10 rows)
/// the panels extend past the edge and are clipped, while the status bar stays on the
/// last row.
public struct Layout: Equatable, Sendable {
    /// A rectangle of cells; rows and columns from 0.
    public struct Rect: Equatable, Sendable {
        public var row: Int
        public var column: Int
        public var height: Int
        public var width: Int
    }

    public let size: Size
    public let jobs: Rect
    public let stdout: Rect
    public let stderr: Rect

    public init(size: Size) {
        self.size = size
        let panelHeight = max(size.rows - 2, 8)
        let jobsWidth = min(max(size.columns * 40 / 100, 40), 60)
        let logWidth = max(size.columns - jobsWidth, 0)
        let stderrHeight = max(panelHeight * 20 / 100, 4)
        jobs = Rect(row: 1, column: 0, height: panelHeight, width: jobsWidth)
        stdout = Rect(row: 1, column: jobsWidth, height: panelHeight - stderrHeight, width: logWidth)
        stderr = Rect(row: 1 + panelHeight - stderrHeight, column: jobsWidth, height: stderrHeight, width: logWidth)
    }

    /// Rows inside the Jobs panel's frame.
    public var jobsContentHeight: Int { max(jobs.height - 2, 0) }

    /// Rows a log pane scrolls in: one less than its content area, so its last row stays
    /// empty as upstream draws it.
    public func viewportHeight(_ stream: LogStream) -> Int {
        max((stream == .stdout ? stdout : stderr).height - 3, 0)
    }
}
