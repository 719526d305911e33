/// How much of the runs' output the daemon keeps (the `[logs]` table of `config.toml`):
/// how many runs of each job keep their logs, how large all logs together may grow, and
/// how large one stream (stdout or stderr) of one run may grow before its oldest part is
/// dropped.
public struct LogLimits: Sendable, Equatable {
    /// The newest runs of each job that keep their logs; older runs keep their record,
    /// marked "logs pruned".
    public var runsPerJob: Int64
    /// The disk space all runs' logs together may take, bytes: past it the oldest runs
    /// lose their logs.
    public var totalBytes: Int64
    /// The output one stream of one run keeps, bytes: past it the oldest part is dropped,
    /// keeping at least the newest half.
    public var streamBytes: Int64

    public init(runsPerJob: Int64 = 10, totalBytes: Int64 = 2 << 30, streamBytes: Int64 = 256 << 20) {
        self.runsPerJob = runsPerJob
        self.totalBytes = totalBytes
        self.streamBytes = streamBytes
    }

    /// The smallest size either limit may be set to: a stream is cut in whole file-system
    /// blocks, so a limit of a few blocks is the least that keeps a useful newest half.
    public static let smallestSize: Int64 = 16 << 10
    /// The largest size either limit may be set to (1 PiB): far past any disk, and safely
    /// inside the arithmetic.
    public static let largestSize: Int64 = 1 << 50
    /// The most runs per job that may keep their logs.
    public static let mostRuns: Int64 = 1_000_000
}
