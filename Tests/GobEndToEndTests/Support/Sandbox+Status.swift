import GobProtocol

/// The daemon's health as `gob status --json` reports it.
extension Sandbox {
    /// Polls `gob status --json` until the daemon counts `count` subscribers; false when
    /// that does not happen within `timeout`.
    func waitForSubscribers(_ count: Int64, timeout: Duration = .seconds(10)) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let outcome = try await gob("status", "--json")
            if (try? JSON(parsing: outcome.stdout))?["subscribers"]?.intValue == count { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
