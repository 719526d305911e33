import GobProject
import GobTOML

/// Which runs keep their logs, and how large logs may grow: the limits of `config.toml`'s
/// `[logs]` table (`LogLimits`, where their defaults live), as the daemon applies them.
public struct LogRetention: Sendable, Equatable {
    public var limits: LogLimits

    /// The newest runs of each job that keep their logs; older runs keep their record,
    /// marked "logs pruned".
    public var runsPerJob: Int64 { limits.runsPerJob }
    /// The disk space all logs together may take, bytes (`LogLimiter` keeps to it).
    public var totalBytes: Int64 { limits.totalBytes }
    /// The output one stream of one run keeps, bytes (`LogLimiter` cuts past it).
    public var streamBytes: Int64 { limits.streamBytes }

    public init(_ limits: LogLimits = LogLimits()) {
        self.limits = limits
    }

    /// When run `number` of a job starts: runs up to the returned number lose their logs
    /// (nil: none yet).
    public func pruneThrough(startingRun number: Int64) -> Int64? {
        number > runsPerJob ? number - runsPerJob : nil
    }
}
