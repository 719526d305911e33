import GobProtocol

/// Both logs of one job, read as they grow and cut into prefixed lines (contract §3.1):
/// stdout lines as `[<id>] `, stderr lines in orange on a terminal. The piece
/// `JobsAwaiter` follows each awaited job with.
public struct JobOutputTail {
    private let stdoutTail: LogTail
    private let stderrTail: LogTail
    private var stdoutLines: LinePrefixer
    private var stderrLines: LinePrefixer

    /// Tails `job`'s two logs from their beginning, prefixed for `output`.
    public init(job: JobSnapshot, output: OutputSink) {
        stdoutTail = LogTail(path: job.stdoutPath)
        stderrTail = LogTail(path: job.stderrPath)
        stdoutLines = LinePrefixer(prefix: output.stdoutPrefix(job.id))
        stderrLines = LinePrefixer(prefix: output.stderrPrefix(job.id))
    }

    /// The complete lines both logs gained since the last call, prefixed.
    public mutating func readLines() -> [UInt8] {
        stdoutLines.feed(stdoutTail.readAppended().bytes) + stderrLines.feed(stderrTail.readAppended().bytes)
    }

    /// Everything left once the job's process ended: new complete lines, then each log's
    /// partial last line with a line feed added (Decision D9).
    public mutating func finish() -> [UInt8] {
        readLines() + stdoutLines.flush() + stderrLines.flush()
    }
}
