import Glibc
import GobProtocol
import GobSystem

/// `gob stdout -f` / `gob stderr -f`: copies one log file to the output as it grows, byte
/// for byte, until the job has ended and everything it wrote is printed, as `docker logs
/// -f` does. A restart while following goes on with the new run's output from its
/// beginning. Ends are learnt from the daemon's events.
public struct RawFollower {
    /// How a follow ended.
    public enum Outcome: Equatable {
        /// The job's process ended and its output is printed.
        case ended
        /// SIGINT or SIGTERM: the user stopped following; the job goes on.
        case interrupted
        /// The job was removed (its logs with it).
        case removed
        /// The daemon went away while following.
        case daemonStopped
        /// The log file was deleted under the running job: what it writes is out of reach.
        case logDeleted
        /// The output could not be written (the reader is gone).
        case outputFailed(String)
    }

    /// How long to wait, after gob stopped the job, for a restart to start it again
    /// before calling the follow over: a `restart` stops the old process first.
    public static let restartGraceMilliseconds: Int64 = 2_000

    let path: String
    let job: JobSnapshot
    let events: EventStream
    let output: OutputSink
    /// Start with the last this many lines instead of the whole file (`--tail N`).
    let lastLines: Int?
    /// Go on with the job's next run when it is restarted; false follows one run's own
    /// log (`gob stdout <run_id>`), which ends with that run.
    let followsRestarts: Bool
    /// Which stream the log is (`stdout`, `stderr`), for the notice of dropped output.
    let stream: String
    /// Says something beside the output (on stderr): that earlier output was dropped.
    let notices: (String) -> Void

    /// - Parameters:
    ///   - job: the job as `get_job` reported it *after* `events` was opened, so no end
    ///     falls between the two.
    ///   - events: a subscription covering the job's directory.
    ///   - lastLines: print only the last this many lines of what is there already.
    ///   - followsRestarts: go on with the job's next run (`path` is the job's link to
    ///     its current run's log), or end with this run (`path` is the run's own log).
    ///   - stream: `stdout` or `stderr`, as the notice of dropped output names it.
    ///   - notices: where that notice goes.
    public init(
        path: String, job: JobSnapshot, events: EventStream, output: OutputSink, lastLines: Int? = nil,
        followsRestarts: Bool = true, stream: String = "stdout", notices: @escaping (String) -> Void = { _ in }
    ) {
        self.stream = stream
        self.notices = notices
        self.path = path
        self.job = job
        self.events = events
        events.rideThroughRestarts(awaiting: [job.id])
        self.output = output
        self.lastLines = lastLines
        self.followsRestarts = followsRestarts
    }

    public func run() -> Outcome {
        let interrupts = SignalPipe.interrupts()
        let watcher = FileWatcher()
        let tail = LogTail(path: path)
        if let lastLines { tail.resume(at: LastLines.startOffset(ofLast: lastLines, inFileAt: path)) }
        tail.open()
        watcher.watch(path)
        // When the follow is over (nil: while the job runs).
        var endAt: Int64? = job.status == .running ? nil : MonotonicClock.now()
        var pid = job.pid
        while true {
            // Print what is there, in bounded chunks, checking for Ctrl+C now and then.
            var copied = 0
            var more = false
            while true {
                let bytes = tail.readAppended().bytes
                // Said on stderr: stdout stays the log's bytes.
                if tail.takeDropped() { notices(LogTail.droppedNotice(stream)) }
                if bytes.isEmpty { break }
                if !output.write(bytes) { return .outputFailed("write error: \(SystemError.last)") }
                copied += bytes.count
                if copied >= JobOutputTail.budget {
                    more = true
                    break
                }
            }
            let now = MonotonicClock.now()
            if !more, let endAt, now >= endAt { return .ended }
            if !more, endAt == nil, tail.isDeleted { return .logDeleted }

            var pollers: [pollfd] = [pollfd(fd: events.descriptor, events: Int16(POLLIN), revents: 0)]
            if let fd = watcher.descriptor { pollers.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            if let interrupts { pollers.append(pollfd(fd: interrupts, events: Int16(POLLIN), revents: 0)) }
            var timeout: Int32 = more ? 0 : watcher.descriptor == nil ? FileWatcher.fallbackInterval : -1
            if let endAt, !more {
                let wait = Int32(clamping: (endAt - now + 999_999) / 1_000_000)
                timeout = timeout < 0 ? wait : min(timeout, wait)
            }
            _ = poll(&pollers, nfds_t(pollers.count), timeout)
            if let interrupts, SignalPipe.received(interrupts) { return .interrupted }
            watcher.drain()
            let received: [JobEvent]
            do throws(EventStream.End) { received = try events.read() } catch {
                while true {
                    let bytes = tail.readAppended().bytes
                    if bytes.isEmpty || !output.write(bytes) { break }
                }
                return .daemonStopped
            }
            for event in received where event.job.id == job.id {
                switch event.kind {
                case .jobStarted where followsRestarts:
                    // The new run has logs of its own: follow it from its start.
                    pid = event.job.pid
                    endAt = nil
                    tail.restartAnnounced()
                    watcher.watch(path)
                case .jobStarted:
                    // A later run: the one followed is over.
                    endAt = MonotonicClock.now()
                case .jobStopped where event.job.pid == pid:
                    // Stopped by gob, it may be a restart: give it a moment to start again.
                    let grace = followsRestarts && event.job.stoppedByGob ? Self.restartGraceMilliseconds * 1_000_000 : 0
                    endAt = MonotonicClock.now() + grace
                case .jobRemoved:
                    return .removed
                case .jobAdded, .jobStopped, .jobReady, .jobReadyTimedOut, .portsUpdated:
                    break
                }
            }
        }
    }
}
