/// How long a wait may take before the test fails. It is a failsafe against a hang, never
/// a time budget: a wait ends on its event, and on a loaded two-core machine a healthy
/// event can take many times longer than on a quiet one.
public enum Failsafe {
    /// The deadline of every wait for an event.
    public static let wait: Duration = .seconds(60)
}

/// A wait that reached its failsafe deadline; says what did not happen.
public struct WaitTimeout: Error, CustomStringConvertible {
    public let description: String

    public init(_ what: String, after timeout: Duration) {
        description = "timed out after \(timeout) waiting for \(what)"
    }
}

/// Waits until `condition` holds: checks it now and again after every change in
/// `directories` (see `FileWatch`). Throws `WaitTimeout` naming `what` when it still does
/// not hold after `timeout`.
public func waitUntil(
    _ what: @autoclosure () -> String, watching directories: [String], timeout: Duration = Failsafe.wait,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    let watch = FileWatch(directories)
    while true {
        if try await condition() { return }
        guard await watch.next(until: deadline) else {
            // One last look: the change may have come with the deadline.
            if try await condition() { return }
            throw WaitTimeout(what(), after: timeout)
        }
        watch.refresh()
    }
}
