import Foundation

/// Polls `condition` until it holds or `timeout` passes; never sleeps blindly.
func eventually(
    timeout: Duration = .seconds(5), every interval: Duration = .milliseconds(10),
    _ condition: () throws -> Bool
) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try condition() { return true }
        if clock.now > deadline { return false }
        try await Task.sleep(for: interval)
    }
}

/// Runs blocking work (raw socket loops, thousands of requests) on a thread of its own,
/// so it never holds one of the few threads every async test shares.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
