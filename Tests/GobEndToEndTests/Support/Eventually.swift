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
