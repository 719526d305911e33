import Glibc
import GobSystem

/// State behind a mutex with a condition variable, for threads that must sleep until the
/// state changes (a stop waiting for a process group, a subscriber waiting for events).
///
/// `@unchecked Sendable`: every access to `state` happens with `mutex` held.
public final class ConditionLock<State>: @unchecked Sendable {
    private var state: State
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init(_ state: State) {
        self.state = state
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Timed waits measure on the monotonic clock, as every deadline of gob does.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the lock held.
    public func withLock<T, E: Error>(_ body: (inout State) throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Runs `body` with the lock held, then wakes every waiter.
    public func withLockBroadcasting<T, E: Error>(_ body: (inout State) throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body(&state)
    }

    /// Wakes every waiter without changing the state.
    public func broadcast() {
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Waits with the lock held until `ready` returns a value or `deadline` (a
    /// `MonotonicClock` instant) passes; `recheckEvery` bounds each sleep so conditions
    /// that no broadcast announces are still noticed. Returns nil on timeout.
    public func wait<T>(
        until deadline: Int64? = nil, recheckEvery: Int64? = nil, _ ready: (inout State) -> T?
    ) -> T? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let value = ready(&state) { return value }
            let now = MonotonicClock.now()
            if let deadline, now >= deadline { return nil }
            var wake = deadline ?? Int64.max
            if let recheckEvery { wake = min(wake, now + recheckEvery) }
            if wake == Int64.max {
                pthread_cond_wait(condition, mutex)
            } else {
                var ts = timespec(tv_sec: Int(wake / 1_000_000_000), tv_nsec: Int(wake % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &ts)
            }
        }
    }
}
