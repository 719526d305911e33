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
