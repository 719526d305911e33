import Glibc
import GobProtocol
import GobSystem

/// `gob await` (and the silent wait of `run --json`): waits for several job processes to
/// end, learning each end from the daemon's `job_stopped` event (never by polling), while
/// optionally streaming every awaited job's output with the `[id]` prefixes of
/// docs/output.md, "Following".
public final class JobsAwaiter {
    /// When waiting is over.
    public enum Mode: Sendable {
        /// Once every awaited process has ended.
        case all
        /// Once the first one has ended.
        case any
    }

    /// How the wait ended.
    public enum Outcome: Equatable, Sendable {
        /// Every awaited process ended (`.all`), or one did (`.any`).
        case ended
        /// The timeout passed first; the jobs keep running.
        case timedOut
        /// SIGINT or SIGTERM arrived; the jobs keep running.
        case interrupted
        /// The daemon went away (its event stream ended), so ends can no longer be learnt.
        case daemonStopped
        /// The event stream failed otherwise.
        case lost(String)
        /// A job still running looks stuck (`StuckWatch`); it keeps running.
        case stuck(StuckVerdict)
    }

    /// What the wait found out, per awaited job in the order given.
    public struct Result: Sendable {
        public var outcome: Outcome
        /// The final snapshot of each job that ended (with its exit status, 128+N for
        /// signal N), the snapshot given at the start for the others.
        public var jobs: [JobSnapshot]
        /// Whether each job's process has ended.
        public var ended: [Bool]
        /// Indices of `jobs` in the order their processes ended (already ended ones first,
        /// in the order given).
        public var endOrder: [Int]
    }

    private let events: EventStream
    private let output: OutputSink?
    private let mode: Mode
    private let timeoutNanoseconds: Int64?
    private let deadline: Int64?
    private let catchesInterrupts: Bool
    private var result: Result
    private var tails = JobOutputTails()
    private let watcher = FileWatcher()
    private var stuck: StuckWatch?

    /// - Parameters:
    ///   - jobs: the awaited jobs as `get_job` reported them, after `events` was opened, so
    ///     no end can slip between the two.
    ///   - events: a subscription covering every awaited job's directory.
    ///   - output: where to stream the jobs' output; nil waits silently.
    ///   - timeoutMilliseconds: give up after this long; nil waits for ever.
    ///   - deadline: a `MonotonicClock` instant to give up at instead (a command whose
    ///     whole run, connection included, is bounded); wins over `timeoutMilliseconds`.
    ///   - catchesInterrupts: turn SIGINT and SIGTERM into `.interrupted` (the command
    ///     line); false leaves the process's signal handling alone (tests).
    ///   - stuck: ends the wait with `.stuck` when a job still running looks stuck.
    public init(
        jobs: [JobSnapshot], events: EventStream, output: OutputSink?, mode: Mode, timeoutMilliseconds: Int64?,
        deadline: Int64? = nil, catchesInterrupts: Bool = true, stuck: StuckWatch? = nil
    ) {
        self.stuck = stuck
        self.events = events
        events.rideThroughRestarts(awaiting: jobs.filter { $0.status == .running }.map(\.id))
        self.output = output
        self.mode = mode
        self.timeoutNanoseconds = timeoutMilliseconds.map { $0 * 1_000_000 }
        self.deadline = deadline
        self.catchesInterrupts = catchesInterrupts
        let ended = jobs.map { $0.status == .stopped }
        result = Result(outcome: .ended, jobs: jobs, ended: ended, endOrder: ended.indices.filter { ended[$0] })
    }

    /// Waits (streaming) until the mode is satisfied, the timeout passes, the user
    /// interrupts, or the event stream fails.
    public func run() -> Result {
        let deadline = self.deadline ?? timeoutNanoseconds.map { MonotonicClock.now() + $0 }
        let interrupts = catchesInterrupts ? SignalPipe.interrupts() : nil
        if let output {
            for job in result.jobs { tails.follow(job, output: output, watcher: watcher) }
        }
        // Jobs that had already ended: their whole logs, at once.
        for index in result.endOrder { finish(result.jobs[index].id) }
        do throws(EventStream.End) {
            handle(try events.buffered())
        } catch {
            return finished(Self.outcome(of: error))
        }
        var more = false
        while !satisfied {
            var timeout: Int32 = more ? 0 : watcher.descriptor == nil && output != nil ? FileWatcher.fallbackInterval : -1
            if let deadline {
                let remaining = deadline - MonotonicClock.now()
                if remaining <= 0 { return finished(.timedOut) }
                let milliseconds = Int32(clamping: (remaining + 999_999) / 1_000_000)
                timeout = timeout < 0 ? milliseconds : min(timeout, milliseconds)
            }
            if let check = stuck?.nextCheck(ended: result.ended) {
                let milliseconds = MonotonicClock.pollTimeout(until: check)
                timeout = timeout < 0 ? milliseconds : min(timeout, milliseconds)
            }
            var pollers: [pollfd] = [pollfd(fd: events.descriptor, events: Int16(POLLIN), revents: 0)]
            if output != nil, let fd = watcher.descriptor { pollers.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            if let interrupts { pollers.append(pollfd(fd: interrupts, events: Int16(POLLIN), revents: 0)) }
            if poll(&pollers, nfds_t(pollers.count), timeout) < 0 && errno != EINTR {
                return finished(.lost(SystemError.last.description))
            }
            if let interrupts, SignalPipe.received(interrupts) { return finished(.interrupted) }
            watcher.drain()
            more = pump()
            do throws(EventStream.End) {
                handle(try events.read())
            } catch {
                return finished(Self.outcome(of: error))
            }
            // An end that arrived with the verdict wins: it is the answer waited for.
            if !satisfied, let verdict = stuck?.verdict(ended: result.ended) { return finished(.stuck(verdict)) }
        }
        return finished(.ended)
    }

    private static func outcome(of end: EventStream.End) -> Outcome {
        end.isDaemonGone ? .daemonStopped : .lost(end.description)
    }

    private var satisfied: Bool {
        switch mode {
        case .all: result.ended.allSatisfy { $0 }
        case .any: !result.endOrder.isEmpty
        }
    }

    /// Marks the awaited processes that `job_stopped` events report as ended.
    private func handle(_ received: [JobEvent]) {
        for event in received where event.kind == .jobStopped {
            var matched = false
            for index in result.jobs.indices where !result.ended[index] {
                let awaited = result.jobs[index]
                guard awaited.id == event.job.id, awaited.pid == event.job.pid else { continue }
                result.jobs[index] = event.job
                result.ended[index] = true
                result.endOrder.append(index)
                matched = true
            }
            if matched { finish(event.job.id) }
        }
    }

    /// Prints what every tail gained (a bounded amount each); whether more is waiting.
    @discardableResult
    private func pump() -> Bool {
        guard let output else { return false }
        return tails.pump(to: output)
    }

    /// Prints the rest of an ended job's output, partial last lines included.
    private func finish(_ id: String) {
        guard let output else { return }
        // Its process is over: a later restart's output is not part of this wait.
        tails.finish(id, to: output, forget: true)
    }

    private func finished(_ outcome: Outcome) -> Result {
        pump()
        result.outcome = outcome
        return result
    }
}
