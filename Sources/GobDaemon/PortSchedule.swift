import GobProtocol
import Synchronization
import GobSystem

/// When the daemon looks up which ports running jobs listen on. Servers open their ports
/// in the first seconds of a run, so each run is looked at 0.5, 1, 2, 5, 10 and 30 s
/// after it started; later changes are found when someone asks (`ports`, and a `list`
/// when the last look at its jobs is older than 2 s), or densely while a run's readiness
/// rule waits for a port (`watch`). There is no timer beyond these: once they are done
/// the schedule's thread sleeps until the next run starts, and an idle daemon uses no CPU.
///
/// One thread does the lookups, started when the work is attached; `perform` does it (the
/// supervisor's), outside this schedule's lock. The schedule's lock is never held while
/// another is taken, so it may be used under the job table's lock.
final class PortSchedule: Sendable {
    /// Seconds after a run's start at which its ports are looked up.
    static let delays: [Double] = [0.5, 1, 2, 5, 10, 30]
    /// How old the last look at a directory's jobs may be before a `list` asks again.
    static let listFreshness = MonotonicClock.seconds(2)

    /// What one round of lookups covers.
    struct Work: Sendable, Equatable {
        /// Jobs whose runs are due (each with the PID of the run looked for).
        var jobs: [String: Int32] = [:]
        /// Directories (nil: all) whose running jobs a `list` asked for.
        var scopes: [OSString?] = []
    }

    private struct State {
        /// Each scheduled run's PID and its remaining due times (monotonic), soonest first.
        var runs: [String: (pid: Int32, times: [Int64])] = [:]
        /// Runs whose readiness waits for a port: looked up from `from` (the run's start)
        /// until `until`, at `next`, then again after `interval(sinceStart:)`.
        var watches: [String: (pid: Int32, from: Int64, until: Int64, next: Int64)] = [:]
        /// When a `list` of each directory (nil: all) last caused a look, and the
        /// directories whose look is due.
        var lastScopeLook: [OSString?: Int64] = [:]
        var dueScopes: [OSString?] = []
        var threadStarted = false
        /// Counts the changes, so the sleeping thread knows to look again.
        var changes: UInt64 = 0
    }

    private let state = ConditionLock(State())
    private let performer = Mutex<(@Sendable (Work) -> Void)?>(nil)
    private let clock: @Sendable () -> Int64

    init(clock: @escaping @Sendable () -> Int64 = MonotonicClock.now) {
        self.clock = clock
    }

    /// Sets what a round of lookups does (the supervisor's work, which owns the schedule),
    /// and starts the thread, which sleeps until there is something to do: so no thread
    /// is made later, while a caller may hold the job table's lock.
    func attach(_ perform: @escaping @Sendable (Work) -> Void) {
        performer.withLock { $0 = perform }
        wake { _ in }
    }

    /// A run of job `id` (main process `pid`) started now: its lookups are scheduled.
    func runStarted(_ id: String, pid: Int32) {
        let now = clock()
        let times = Self.delays.map { now + MonotonicClock.seconds($0) }
        wake { $0.runs[id] = (pid, times) }
    }

    /// Job `id` ended or went away: nothing more to look up for it.
    func forget(_ id: String) {
        state.withLock { state in
            state.runs[id] = nil
            state.watches[id] = nil
        }
    }

    /// A `list` of `scope` (nil: every directory) was answered: its running jobs are
    /// looked at again soon when the last look is older than `listFreshness`.
    func listed(scope: OSString?) {
        let now = clock()
        let due = state.withLock { state -> Bool in
            if let last = state.lastScopeLook[scope], now - last < Self.listFreshness { return false }
            state.lastScopeLook[scope] = now
            if !state.dueScopes.contains(scope) { state.dueScopes.append(scope) }
            return true
        }
        if due { wake { _ in } }
    }

    /// Looks up the ports of run `pid` of job `id`, which started at `from`, densely
    /// until `until` (monotonic instants), for a readiness rule that waits until it
    /// listens: at once, then after `interval(sinceStart:)` each time. A later call
    /// replaces it; `unwatch` ends it.
    func watch(_ id: String, pid: Int32, from: Int64, until: Int64) {
        let now = clock()
        wake { $0.watches[id] = (pid, from, until, now) }
    }

    /// Job `id`'s run no longer waits for a port (it is ready, or its timeout passed).
    func unwatch(_ id: String) {
        state.withLock { $0.watches[id] = nil }
    }

    /// The shortest and the longest time between two lookups of a run waiting for a port.
    static let fastestInterval = MonotonicClock.seconds(0.02)
    static let slowestInterval = MonotonicClock.seconds(1)

    /// How long after a lookup of a run waiting for a port the next one comes, `elapsed`
    /// after the run started: a twentieth of the run's age, from 20 ms to 1 s. A server
    /// found listening is announced at most 5% (or 20 ms) later than it could be, and a
    /// run that never listens costs about 140 lookups in its first minute and then one a
    /// second until its timeout. A lookup takes well under a millisecond.
    static func interval(sinceStart elapsed: Int64) -> Int64 {
        min(slowestInterval, max(fastestInterval, elapsed / 20))
    }

    /// Jobs with a lookup still to come: none once the daemon is idle.
    var pendingCount: Int {
        state.withLock { state in Set(state.runs.keys).union(state.watches.keys).count }
    }

    /// Changes the state, starts the thread if it is not running (it could not be made
    /// before), and wakes it.
    private func wake(_ change: (inout State) -> Void) {
        let start = state.withLockBroadcasting { state -> Bool in
            change(&state)
            state.changes &+= 1
            defer { state.threadStarted = true }
            return !state.threadStarted
        }
        if start, !DetachedThread.start({ [self] in loop() }) {
            state.withLock { $0.threadStarted = false }
        }
    }

    private func loop() {
        while true {
            let (work, next, seen) = state.withLock { state in
                (Self.takeDue(&state, now: clock()), Self.earliest(state), state.changes)
            }
            if !work.jobs.isEmpty || !work.scopes.isEmpty {
                performer.withLock { $0 }?(work)
                continue
            }
            // Until the next due time, or a change; with nothing scheduled, only a change.
            _ = state.wait(until: next) { state -> Bool? in state.changes != seen ? true : nil }
        }
    }

    /// Takes out what is due at `now`.
    private static func takeDue(_ state: inout State, now: Int64) -> Work {
        var work = Work()
        for (id, run) in state.runs {
            guard let first = run.times.first, first <= now else { continue }
            work.jobs[id] = run.pid
            let rest = run.times.filter { $0 > now }
            state.runs[id] = rest.isEmpty ? nil : (run.pid, rest)
        }
        for (id, watch) in state.watches {
            if watch.until <= now {
                state.watches[id] = nil
                continue
            }
            guard watch.next <= now else { continue }
            work.jobs[id] = watch.pid
            state.watches[id]?.next = now + interval(sinceStart: now - watch.from)
        }
        work.scopes = state.dueScopes
        state.dueScopes = []
        return work
    }

    /// The soonest due time, if any is left.
    private static func earliest(_ state: State) -> Int64? {
        var soonest: Int64?
        for run in state.runs.values { if let first = run.times.first { soonest = min(soonest ?? first, first) } }
        for watch in state.watches.values { soonest = min(soonest ?? watch.next, watch.next) }
        return soonest
    }
}
