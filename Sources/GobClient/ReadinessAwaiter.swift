import Glibc
import GobProtocol
import GobSystem

/// Waits until jobs' current runs are ready, as the daemon announces it: `job_ready`, or
/// `job_ready_timed_out` when the rule's timeout passed first, or `job_stopped` when the
/// run ended before. The daemon watches the logs; this only reads events, never polls.
/// Used by `add`, `start` and `restart` with a readiness rule and by `await --ready`.
public final class ReadinessAwaiter {
    /// Where one awaited run stands.
    public enum State: Equatable, Sendable {
        /// Not ready yet.
        case waiting
        /// Ready (the snapshot carries `ready_at`).
        case ready
        /// The daemon gave up at the rule's timeout; the run goes on.
        case timedOut
        /// The run ended before it was ready (the snapshot carries how).
        case ended
        /// The job has no readiness rule: nothing will ever say it is ready.
        case noRule
    }

    /// How the wait ended.
    public enum Outcome: Equatable, Sendable {
        /// Every run (`.all`), or one (`.any`), is no longer waiting.
        case settled
        /// The deadline passed first.
        case timedOut
        /// SIGINT or SIGTERM arrived; the jobs keep running.
        case interrupted
        /// The daemon went away.
        case daemonStopped
        /// The event stream failed otherwise.
        case lost(String)
    }

    /// What the wait found out, per job in the order given.
    public struct Result: Sendable {
        public var outcome: Outcome
        /// The latest snapshot of each job: from its event, else as given.
        public var jobs: [JobSnapshot]
        public var states: [State]
        /// Indices of `jobs` in the order they settled (already settled ones first).
        public var settleOrder: [Int]
    }

    private let events: EventStream
    private let mode: JobsAwaiter.Mode
    private let deadline: Int64?
    private let catchesInterrupts: Bool
    private var result: Result

    /// - Parameters:
    ///   - jobs: the awaited jobs as the daemon reported them after `events` was opened.
    ///   - events: a subscription covering every awaited job's directory.
    ///   - deadline: a `MonotonicClock` instant to give up at; nil waits for the daemon.
    ///   - catchesInterrupts: turn SIGINT and SIGTERM into `.interrupted`.
    public init(
        jobs: [JobSnapshot], events: EventStream, mode: JobsAwaiter.Mode, deadline: Int64?,
        catchesInterrupts: Bool = true
    ) {
        self.events = events
        events.rideThroughRestarts(awaiting: jobs.map(\.id))
        self.mode = mode
        self.deadline = deadline
        self.catchesInterrupts = catchesInterrupts
        let states = jobs.map(Self.state(of:))
        result = Result(
            outcome: .settled, jobs: jobs, states: states, settleOrder: states.indices.filter { states[$0] != .waiting })
    }

    /// Where a job's run stands by its snapshot alone.
    public static func state(of job: JobSnapshot) -> State {
        if job.status == .stopped { return job.readinessRule == nil ? .noRule : .ended }
        switch job.readinessState {
        case .ready?: return .ready
        case .timedOut?: return .timedOut
        case .endedBeforeReady?: return .ended
        case .waiting?: return .waiting
        case nil: return .noRule
        }
    }

    /// Waits until the mode is satisfied, the deadline passes, the user interrupts, or the
    /// event stream ends.
    public func run() -> Result {
        let interrupts = catchesInterrupts ? SignalPipe.interrupts() : nil
        do throws(EventStream.End) {
            handle(try events.buffered())
        } catch {
            return finished(error.isDaemonGone ? .daemonStopped : .lost(error.description))
        }
        while !satisfied {
            var timeout: Int32 = -1
            if let deadline {
                let remaining = deadline - MonotonicClock.now()
                if remaining <= 0 { return finished(.timedOut) }
                timeout = Int32(clamping: (remaining + 999_999) / 1_000_000)
            }
            var pollers = [pollfd(fd: events.descriptor, events: Int16(POLLIN), revents: 0)]
            if let interrupts { pollers.append(pollfd(fd: interrupts, events: Int16(POLLIN), revents: 0)) }
            if poll(&pollers, nfds_t(pollers.count), timeout) < 0 && errno != EINTR {
                return finished(.lost(SystemError.last.description))
            }
            if let interrupts, SignalPipe.received(interrupts) { return finished(.interrupted) }
            do throws(EventStream.End) {
                handle(try events.read())
            } catch {
                return finished(error.isDaemonGone ? .daemonStopped : .lost(error.description))
            }
        }
        return finished(.settled)
    }

    private var satisfied: Bool {
        switch mode {
        case .all: !result.states.contains(.waiting)
        case .any: !result.settleOrder.isEmpty
        }
    }

    /// Settles the awaited runs the events speak of.
    private func handle(_ received: [JobEvent]) {
        for event in received {
            let state: State
            switch event.kind {
            case .jobReady: state = .ready
            case .jobReadyTimedOut: state = .timedOut
            case .jobStopped: state = .ended
            default: continue
            }
            for index in result.jobs.indices where result.states[index] == .waiting {
                let awaited = result.jobs[index]
                guard awaited.id == event.job.id, awaited.pid == event.job.pid else { continue }
                result.jobs[index] = event.job
                result.states[index] = state
                result.settleOrder.append(index)
            }
        }
    }

    private func finished(_ outcome: Outcome) -> Result {
        result.outcome = outcome
        return result
    }
}
