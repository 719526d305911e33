import GobClient
import GobProtocol

/// The last lines of a job's stderr, then of its stdout, each block under a label: what a
/// failed quiet run or a job that never became ready shows, so the reader sees why
/// without asking for the logs.
///
///     --- stderr of k3v (last 2 lines) ---
///     Error: listen EADDRINUSE: address already in use :::5173
///     npm ERR! code 1
///     --- stdout of k3v: empty ---
enum LogTails {
    /// How many lines of each log a quiet run shows when it fails, without `--tail`.
    static let quietDefault = 30
    /// How many lines of each log a failed readiness wait shows, without `--tail`.
    static let readinessDefault = 20

    /// Writes both blocks of `job`'s logs to `sink`; nothing when `lines` is 0.
    static func write(of job: JobSnapshot, lines: Int, to sink: OutputSink) {
        guard lines > 0 else { return }
        for (name, path) in [("stderr", job.stderrPath), ("stdout", job.stdoutPath)] {
            let excerpt = LogExcerpt(lastLines: lines, ofFileAt: path)
            guard excerpt.lineCount > 0 else {
                sink.write("--- \(name) of \(job.id): empty ---\n")
                continue
            }
            let count = excerpt.lineCount == 1 ? "last line" : "last \(excerpt.lineCount) lines"
            let cut = excerpt.cut ? ", cut to their last \(LogExcerpt.byteLimit / 1024) KiB" : ""
            sink.write("--- \(name) of \(job.id) (\(count)\(cut)) ---\n")
            sink.write(excerpt.bytes)
        }
    }
}
