import Glibc
import GobProtocol
import GobSystem

/// Re-checks `condition` until it holds (true) or `timeout` passes (false).
///
/// The last resort, for a condition no event announces: prefer a wait on the event
/// itself (`Sandbox.waitUntil`, `waitForJobs`, `ProcessHandle.exit`, `peerClosed`), which
/// ends the moment it happens and says what did not happen when it does not.
public func eventually(
    timeout: Duration = Failsafe.wait, every interval: Duration = .milliseconds(10),
    _ condition: () throws -> Bool
) async throws -> Bool {
    try await eventuallyAsync(timeout: timeout, every: interval, condition)
}

/// Re-checks an async `condition` until it holds (true) or `timeout` passes (false); the
/// last resort, as `eventually` is.
public func eventuallyAsync(
    timeout: Duration = Failsafe.wait, every interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var pause = interval
    while true {
        if try await condition() { return true }
        if clock.now > deadline { return false }
        try await Task.sleep(for: pause)
        // Back off: a condition that takes long costs fewer looks on a loaded machine.
        pause = min(pause * 2, .milliseconds(200))
    }
}

/// Runs blocking work (raw socket loops, thousands of requests, a blocking product call)
/// on a thread of its own, so it never holds one of the few threads every async test
/// shares.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let started = DetachedThread.start(stackSize: 1 << 20) { continuation.resume(returning: body()) }
        // No thread to be had: do the work here rather than never.
        if !started { continuation.resume(returning: body()) }
    }
}

/// Stops `pid` with SIGSTOP and returns once every one of its threads has stopped (false
/// when it could not be signalled or did not stop within the failsafe). The signal alone
/// does not hold a multi-threaded process still: see `ProcessScan.isStopped`.
public func holdStill(_ pid: pid_t) async throws -> Bool {
    guard kill(pid, SIGSTOP) == 0 else { return false }
    return try await eventually { ProcessScan.isStopped(pid) }
}
