import Glibc
import GobProtocol
import GobSystem

/// The follow of `run`, `add -f`, `start -f` and `restart -f` (docs/output.md,
/// "Following"): prints both logs of one job process with per-line prefixes as they grow, and
/// learns its end from the daemon's `job_stopped` event.
public struct JobFollower {
    /// How a follow ended.
    public enum Outcome: Equatable {
        /// The process ended; the snapshot carries its exit status.
        case completed(JobSnapshot)
        /// The user interrupted gob; the job keeps running.
        case interrupted
        /// The daemon went away (its event stream ended) before the job did.
        case daemonStopped
        /// Waiting failed for another reason.
        case lost(String)
        /// The job looks stuck (`StuckWatch`); it keeps running.
        case stuck(StuckVerdict)
    }

    let job: JobSnapshot
    let events: EventStream
    let output: OutputSink
    let stuck: StuckWatch?

    /// - Parameters:
    ///   - job: the job as the daemon answered the request that started its process.
    ///   - events: a subscription opened *before* that request, so its end cannot be missed.
    ///   - stuck: ends the follow with `.stuck` when the job looks stuck.
    public init(job: JobSnapshot, events: EventStream, output: OutputSink, stuck: StuckWatch? = nil) {
        self.job = job
        self.events = events
        events.rideThroughRestarts(awaiting: [job.id])
        self.output = output
        self.stuck = stuck
    }

    /// Follows until the process ends or SIGINT/SIGTERM arrives.
    public func run() -> Outcome {
        let interrupts = SignalPipe.interrupts()
        let watcher = FileWatcher()
        var tail = JobOutputTail(job: job, output: output)
        var stuck = self.stuck
        watcher.watch(job.stdoutPath)
        watcher.watch(job.stderrPath)

        var more = tail.pump(to: output)
        while true {
            var pollers: [pollfd] = []
            if let fd = watcher.descriptor { pollers.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            pollers.append(pollfd(fd: events.descriptor, events: Int16(POLLIN), revents: 0))
            if let interrupts { pollers.append(pollfd(fd: interrupts, events: Int16(POLLIN), revents: 0)) }
            var timeout = more ? 0 : watcher.descriptor == nil ? FileWatcher.fallbackInterval : -1
            if let check = stuck?.nextCheck(ended: [false]) {
                let milliseconds = MonotonicClock.pollTimeout(until: check)
                timeout = timeout < 0 ? milliseconds : min(timeout, milliseconds)
            }
            let ready = poll(&pollers, nfds_t(pollers.count), timeout)
            if ready < 0 && errno != EINTR { return .lost(SystemError.last.description) }
            if let interrupts, SignalPipe.received(interrupts) {
                tail.pump(to: output)
                return .interrupted
            }
            watcher.drain()
            more = tail.pump(to: output)
            do throws(EventStream.End) {
                for event in try events.read()
                where event.kind == .jobStopped && event.job.id == job.id && event.job.pid == job.pid {
                    tail.finish(to: output)
                    return .completed(event.job)
                }
            } catch {
                tail.finish(to: output)
                return error.isDaemonGone ? .daemonStopped : .lost(error.description)
            }
            if let verdict = stuck?.verdict(ended: [false]) {
                tail.pump(to: output)
                return .stuck(verdict)
            }
        }
    }

    /// The exit status gob reports for a finished job (docs/exit-codes.md): its exit
    /// code, or 128+N when signal N killed it.
    public static func exitStatus(of job: JobSnapshot) -> Int32 {
        if let code = job.exitCode { return code }
        if let name = job.signal, let number = SignalName.number(of: name) { return 128 + number }
        return 1
    }
}
