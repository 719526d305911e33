import Glibc
import GobClient
import GobProtocol
import GobSystem

/// What `gob stdout` and `gob stderr` do: print one log of a job byte for byte, or follow
/// it (`-f`).
enum LogFileOutput {
    enum Stream: String {
        case stdout
        case stderr
    }

    /// The long help of `gob stdout` and `gob stderr`, which differ only in the stream.
    static func discussion(_ stream: Stream) -> String {
        let name = stream.rawValue
        return """
            Prints everything the job's current (or last) run has written to its \
            \(name) so far, byte for byte, with nothing added. With --follow, keeps \
            printing what it writes next, as it writes it, and ends once the job has \
            ended and all of its output is printed (Ctrl+C stops earlier); when the job \
            is restarted meanwhile, following goes on with the new run's output. Any \
            job ID works, from any directory.

            Given a run ID (<job>-<n>, as `gob runs` shows), prints that run's output: \
            an earlier run's, as long as its logs are kept (the newest 10 runs of a job \
            keep theirs; see `keep_runs` and `max_total` in config.toml). A log that \
            passed its size limit (`max_stream`) lost its oldest part: what is kept is \
            printed, and stderr says once that earlier output was dropped.

            With --tail N, prints only the last N lines (then follows, with --follow); \
            the log is read backwards from its end, so this is quick on huge logs.

            Examples:
              gob \(name) k3v
              gob \(name) -f k3v
              gob \(name) --tail 20 k3v
              gob \(name) k3v-3

            Exit status: 0 on success, also when following ended with the job or was \
            interrupted; 1 on an error (for example "job not found: k3v", or \
            "\(name) log file not found: <path>"); 125 when the gob daemon could not be \
            reached or stopped while following.
            """
    }

    /// Prints (or follows) one log of a job, or of one of its runs (a run ID); with
    /// `lastLines`, only that many lines from its end.
    static func show(_ stream: Stream, jobID: String, follow: Bool, lastLines: Int? = nil) throws {
        // A follow learns the job's end from its events: subscribe before asking for the
        // job, so no end falls between the two.
        let events = follow ? try JobFollowSupport.subscribe(workdir: nil) : nil
        let session = DaemonSession()
        let job: JobSnapshot
        let path: String
        var followsRun = false
        if RunID.parse(jobID) != nil {
            let response = try session.send(.getRun(runID: jobID), wording: .verbatim)
            guard let run = response["run"].flatMap(RunSnapshot.init(json:)) else {
                throw DaemonSession.missing("run", wording: .verbatim)
            }
            if run.logsPruned {
                throw CommandFailure(
                    "the logs of run \(run.id) were pruned: only the newest runs of a job keep theirs", code: .notFound)
            }
            path = stream == .stdout ? run.stdoutPath : run.stderrPath
            job = try session.send(.getJob(jobID: run.jobID), wording: .verbatim).requireJob(wording: .verbatim)
            // An earlier run has ended: there is nothing to follow.
            followsRun = run.isRunning && job.run == run.id
        } else {
            job = try events.map { events in try JobFollowSupport.job(jobID, after: events, session: session) }
                ?? session.send(.getJob(jobID: jobID), wording: .verbatim).requireJob(wording: .verbatim)
            path = stream == .stdout ? job.stdoutPath : job.stderrPath
        }
        guard access(path, F_OK) == 0 else {
            // The job's latest run may have lost its logs to the limit on all logs together.
            if RunID.parse(jobID) == nil, let runID = job.run,
               let response = try? session.send(.getRun(runID: runID), wording: .verbatim),
               let run = response["run"].flatMap(RunSnapshot.init(json:)), run.logsPruned {
                throw CommandFailure(
                    "the logs of run \(run.id) were pruned: only the newest runs of a job keep theirs", code: .notFound)
            }
            throw CommandFailure("\(stream.rawValue) log file not found: \(path)", code: .ioError)
        }
        let output = OutputSink()
        guard let events, RunID.parse(jobID) == nil || followsRun else {
            try dump(path, stream: stream, lastLines: lastLines, to: output)
            return
        }
        let follower = RawFollower(
            path: path, job: job, events: events, output: output, lastLines: lastLines, followsRestarts: !followsRun,
            stream: stream.rawValue, notices: { Console.error("gob: " + $0 + "\n") })
        switch follower.run() {
        case .ended, .interrupted, .removed:
            return
        case .daemonStopped:
            throw JobFollowSupport.daemonStopped
        case .logDeleted:
            throw CommandFailure(
                "the \(stream.rawValue) log of job \(job.id) was deleted while following it (\(path))", code: .ioError)
        case let .outputFailed(reason):
            throw CommandFailure(reason, code: .ioError)
        }
    }

    /// Copies the file (or its last `lastLines` lines) to stdout, nothing appended.
    private static func dump(_ path: String, stream: Stream, lastLines: Int?, to output: OutputSink) throws(CommandFailure) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CommandFailure("failed to read \(stream.rawValue) log: \(SystemError.last)", code: .ioError) }
        defer { close(fd) }
        var offset = lastLines.map { LastLines.startOffset(ofLast: $0, descriptor: fd) } ?? 0
        // A log whose oldest part was dropped: said once, on stderr, when the output asked
        // for reaches back into it (stdout stays the log's bytes).
        let kept = LogHoles.keptStart(fd)
        if kept > 0 && offset <= kept {
            Console.error("gob: " + LogTail.droppedNotice(stream.rawValue) + "\n")
            offset = kept
        }
        var told = kept > 0 && offset <= kept
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw CommandFailure("failed to read \(stream.rawValue) log: \(SystemError.last)", code: .ioError) }
            if count == 0 { return }
            var start = 0
            if buffer[0] == 0 {
                // Cut while being read: the zeros were dropped output, not output.
                let keptNow = LogHoles.keptStart(fd)
                if keptNow > offset {
                    start = Int(min(keptNow - offset, Int64(count)))
                    if !told { Console.error("gob: " + LogTail.droppedNotice(stream.rawValue) + "\n") }
                    told = true
                }
            }
            offset += Int64(count)
            if start < count, !output.write(Array(buffer[start..<count])) { return }
        }
    }
}
