import GobProtocol

/// Both logs of one job, read as they grow and cut into prefixed lines: stdout lines as
/// `[<id>] `, stderr lines in orange on a terminal. Shared by `run` and the `-f` follows,
/// `await` and `logs`.
///
/// Output goes through in chunks of `LogTail.chunk` bytes, never gathered: a follower's
/// memory stays small whatever the size of the log.
public struct JobOutputTail {
    /// Bytes written per `pump` call at most, so a log that grows as fast as it is read
    /// cannot keep a follower from its other duties (events, Ctrl+C).
    public static let budget = 4 << 20
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

    /// Starts each log at the offset given instead of its beginning (`--tail N`).
    public func resume(stdoutAt stdoutOffset: Int64, stderrAt stderrOffset: Int64) {
        stdoutTail.resume(at: stdoutOffset)
        stderrTail.resume(at: stderrOffset)
    }

    /// Tells both tails that the job was restarted (its logs were truncated).
    public func restartAnnounced() {
        stdoutTail.restartAnnounced()
        stderrTail.restartAnnounced()
    }

    /// Writes the complete lines both logs gained since the last call, up to `budget`
    /// bytes; returns whether more is waiting (call again without waiting for a change).
    @discardableResult
    public mutating func pump(to output: OutputSink) -> Bool {
        var written = 0
        var more = false
        for stream in 0..<2 {
            while true {
                let tail = stream == 0 ? stdoutTail : stderrTail
                let bytes = tail.readAppended().bytes
                if tail.takeDropped() {
                    // The line cut short by the drop ends here; then the notice, once.
                    let notice = Array("(\(LogTail.droppedNotice(stream == 0 ? "stdout" : "stderr")))\n".utf8)
                    let lines = stream == 0
                        ? stdoutLines.flush() + stdoutLines.feed(notice) : stderrLines.flush() + stderrLines.feed(notice)
                    output.write(lines)
                }
                if bytes.isEmpty { break }
                written += bytes.count
                let lines = stream == 0 ? stdoutLines.feed(bytes) : stderrLines.feed(bytes)
                if !lines.isEmpty { output.write(lines) }
                if written >= Self.budget {
                    more = true
                    break
                }
            }
        }
        return more
    }

    /// Writes everything left once the job's process ended: the rest of both logs, then
    /// each log's partial last line with a line feed added.
    public mutating func finish(to output: OutputSink) {
        while pump(to: output) {}
        flush(to: output)
    }

    /// Ends each log's partial last line with a line feed (before a restart's output).
    public mutating func flush(to output: OutputSink) {
        let rest = stdoutLines.flush() + stderrLines.flush()
        if !rest.isEmpty { output.write(rest) }
    }
}
