import GobProject

/// Which runs keep their logs, and how large logs may grow: the limits of `config.toml`'s
/// `[logs]` table (`LogLimits`), as the daemon applies them.
public struct LogRetention: Sendable, Equatable {
    /// The newest runs of each job that keep their logs; older runs keep their record,
    /// marked "logs pruned".
    public var runsPerJob: Int64
    /// The disk space all logs together may take, bytes (`LogBudget`).
    public var totalBytes: Int64
    /// The output one stream of one run keeps, bytes (`StreamLimiter`).
    public var streamBytes: Int64

    public init(runsPerJob: Int64 = 10, totalBytes: Int64 = 2 << 30, streamBytes: Int64 = 256 << 20) {
        self.runsPerJob = runsPerJob
        self.totalBytes = totalBytes
        self.streamBytes = streamBytes
    }

    public init(_ limits: LogLimits) {
        self.init(runsPerJob: limits.runsPerJob, totalBytes: limits.totalBytes, streamBytes: limits.streamBytes)
    }

    /// When run `number` of a job starts: runs up to the returned number lose their logs
    /// (nil: none yet).
    public func pruneThrough(startingRun number: Int64) -> Int64? {
        number > runsPerJob ? number - runsPerJob : nil
    }
}
