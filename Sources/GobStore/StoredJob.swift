import GobProtocol

/// A job as the store keeps it: what it runs and where, and what its history adds up to.
/// Its environment is never stored: it may hold secrets.
public struct StoredJob: Sendable, Equatable {
    public var id: String
    /// Creation order, to break ties between equal creation times.
    public var sequence: Int64
    public var command: [OSString]
    public var workdir: OSString
    /// Nanoseconds since the epoch.
    public var createdAtNanos: Int64
    public var description: String?
    /// The number of its latest run (0 before the first).
    public var lastRun: Int64
    public var summary: RunSummary
    /// When it counts as ready (`--ready-log`, `--ready-port`); nil: it has no rule.
    public var ready: ReadinessRule?
    /// The gobfile entry it was started from (`gob up`); nil for other jobs.
    public var gobfileName: String?

    public init(
        id: String, sequence: Int64, command: [OSString], workdir: OSString, createdAtNanos: Int64,
        description: String?, lastRun: Int64, summary: RunSummary, ready: ReadinessRule? = nil,
        gobfileName: String? = nil
    ) {
        self.id = id
        self.sequence = sequence
        self.command = command
        self.workdir = workdir
        self.createdAtNanos = createdAtNanos
        self.description = description
        self.lastRun = lastRun
        self.summary = summary
        self.ready = ready
        self.gobfileName = gobfileName
    }
}

/// A job read back at start-up, with its latest run.
public struct LoadedJob: Sendable, Equatable {
    public var job: StoredJob
    public var latestRun: RunRecord?

    public init(job: StoredJob, latestRun: RunRecord?) {
        self.job = job
        self.latestRun = latestRun
    }
}
