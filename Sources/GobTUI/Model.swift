import GobProtocol

/// Everything the TUI shows, as a value: `Update` changes it, `Renderer` draws it.
public struct Model: Equatable, Sendable {
    /// What the TUI knows about its surroundings; fixed for its lifetime.
    public struct Context: Equatable, Sendable {
        /// The TUI's working directory (the logical `$PWD`): its scope and new jobs' workdir.
        public var workdir: OSString
        /// `$HOME`, for shortening directories to `~`.
        public var home: String?
        /// The environment new and restarted jobs get: the TUI's own, never the daemon's.
        public var environment: [OSString]
        /// Draw Unicode glyphs (the locale is UTF-8); ASCII otherwise.
        public var unicode: Bool

        public init(workdir: OSString, home: String?, environment: [OSString], unicode: Bool) {
            self.workdir = workdir
            self.home = home
            self.environment = environment
            self.unicode = unicode
        }
    }

    public var context: Context
    public var size: Size
    /// Newest first, as `list` returns them.
    public var jobs: [JobSnapshot] = []
    /// Index of the selected job; 0 when the list is empty (nothing selected).
    public var cursor = 0
    /// Index of the first job shown in the Jobs panel.
    public var listTop = 0
    public var focus: Panel = .jobs
    public var allDirectories = false
    public var dialog: Dialog?
    public var status: StatusMessage?
    /// Serial of the last status message.
    public var statusSerial = 0
    /// Log panes jump to the bottom whenever they change.
    public var follow = true
    public var stdout = LogPane()
    public var stderr = LogPane()
    /// What the panes hold: the job's ID for its current run, live, or the ID of an
    /// earlier run of it (`<job>-<n>`) being looked at.
    public var logJobID: String?
    /// The selected job's runs, newest first (as `runs` returns them), once asked for.
    public var runs: [RunSnapshot] = []
    /// Whose runs `runs` are, and the generation of the newest `runs` request for them.
    public var runsJobID: String?
    public var runsGeneration = 0
    /// Whether the newest `runs` request has been answered.
    public var runsLoaded = false
    /// `[` pressed before the runs were there: step back once they are.
    public var earlierRunWanted = false
    /// The earlier run of the selected job whose logs the panes show (an index into
    /// `runs`, 1 or more); nil: its current run, live.
    public var viewedRun: Int?
    public var connection: Connection = .connecting
    /// Generation of the newest `list` request; older replies are ignored.
    public var listGeneration = 0
    /// Events received while a `list` is on its way, replayed on top of its reply.
    public var eventsAwaitingList: [JobEvent]?
    /// Select the first job when the pending list arrives (after `a`).
    public var cursorToTopOnList = false
    public var quitting = false

    public init(context: Context, size: Size) {
        self.context = context
        self.size = size
    }

    /// The selected job, if any (the cursor is never past the end).
    public var selectedJob: JobSnapshot? {
        jobs.indices.contains(cursor) ? jobs[cursor] : nil
    }

    /// The earlier run whose logs the panes show, if one is.
    public var shownRun: RunSnapshot? {
        guard let viewedRun, runsJobID == selectedJob?.id, runs.indices.contains(viewedRun) else { return nil }
        return runs[viewedRun]
    }

    /// The workdir that scopes the list and the subscription; nil in all-dirs mode.
    public var scope: OSString? { allDirectories ? nil : context.workdir }

    public var glyphs: Glyphs { context.unicode ? .unicode : .ascii }

    public var layout: Layout { Layout(size: size) }

    /// Screen rows one job takes in the Jobs panel: a second row for its directory in
    /// all-dirs mode.
    var rowsPerJob: Int { allDirectories ? 2 : 1 }

    /// How many jobs fit in the Jobs panel at once.
    var visibleJobCount: Int { max(1, layout.jobsContentHeight / rowsPerJob) }

    /// `path` with a leading `$HOME` replaced by `~` — a plain prefix test, as upstream
    /// does.
    public func shortened(_ path: OSString) -> String {
        let path = path.description
        guard let home = context.home, !home.isEmpty, path.hasPrefix(home) else { return path }
        return "~" + path.dropFirst(home.count)
    }

    /// The pane of `stream`.
    func pane(_ stream: LogStream) -> LogPane {
        stream == .stdout ? stdout : stderr
    }
}
