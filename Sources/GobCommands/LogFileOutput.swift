#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobClient
import GobProtocol

/// `gob stdout` and `gob stderr` (contract §2.13, §2.14): print one log of a job byte for
/// byte, or follow it (`-f`).
enum LogFileOutput {
    enum Stream: String {
        case stdout
        case stderr
    }

    /// Prints (or follows) one log; with `lastLines`, only that many lines from its end.
    /// The long help of `gob stdout` and `gob stderr`, which differ only in the stream.
    static func discussion(_ stream: Stream) -> String {
        let name = stream.rawValue
        return """
            Prints everything the job has written to its \(name) so far, byte for byte, \
            with nothing added. With --follow, keeps printing what it writes next, as it \
            writes it, until the job has ended and all its output is printed (or until \
            interrupted with Ctrl+C, which exits 0); when the job is restarted, following \
            continues from the start of the new output. Any job ID works, from any \
            directory.

            With --tail N, prints only the last N lines (then follows, with --follow); \
            the log is read backwards from its end, so this is quick on huge logs.

            Examples:
              gob \(name) V3x0QqI
              gob \(name) -f V3x0QqI
              gob \(name) --tail 20 V3x0QqI

            Exit status: 0 on success, 1 on any error (for example "job not found: \
            V3x0QqI", or "\(name) log file not found: <path>"), 125 when the gob daemon \
            could not be reached or stopped while following.
            """
    }

    static func show(_ stream: Stream, jobID: String, follow: Bool, lastLines: Int? = nil) throws {
        // A follow learns the job's end from its events: subscribe before asking for the
        // job, so no end falls between the two.
        let events = follow ? try JobFollowSupport.subscribe(workdir: nil) : nil
        let job = try DaemonSession().send(.getJob(jobID: jobID), wording: .verbatim).requireJob(wording: .verbatim)
        let path = stream == .stdout ? job.stdoutPath : job.stderrPath
        guard access(path, F_OK) == 0 else { throw CommandFailure("\(stream.rawValue) log file not found: \(path)") }
        let output = OutputSink()
        guard let events else {
            try dump(path, stream: stream, lastLines: lastLines, to: output)
            return
        }
        switch RawFollower(path: path, job: job, events: events, output: output, lastLines: lastLines).run() {
        case .ended, .interrupted, .removed:
            return
        case .daemonStopped:
            throw JobFollowSupport.daemonStopped
        case .logDeleted:
            throw CommandFailure("the \(stream.rawValue) log of job \(job.id) was deleted while following it (\(path))")
        case let .outputFailed(reason):
            throw CommandFailure(reason)
        }
    }

    /// Copies the file (or its last `lastLines` lines) to stdout, nothing appended.
    private static func dump(_ path: String, stream: Stream, lastLines: Int?, to output: OutputSink) throws(CommandFailure) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CommandFailure("failed to read \(stream.rawValue) log: \(SystemError.last)") }
        defer { close(fd) }
        var offset = lastLines.map { LastLines.startOffset(ofLast: $0, descriptor: fd) } ?? 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw CommandFailure("failed to read \(stream.rawValue) log: \(SystemError.last)") }
            if count == 0 { return }
            offset += Int64(count)
            if !output.write(Array(buffer[0..<count])) { return }
        }
    }
}
