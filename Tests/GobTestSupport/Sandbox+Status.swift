import GobProtocol

/// The daemon's health as its `status` reply reports it.
extension Sandbox {
    /// Waits until the daemon counts `count` subscribers: checked now and after each
    /// change of the daemon log, which notes every subscriber added and removed. Throws
    /// `WaitTimeout` after `timeout`; the result is always true (kept for `#expect`).
    @discardableResult
    public func waitForSubscribers(_ count: Int64, timeout: Duration = Failsafe.wait) async throws -> Bool {
        // The last count seen goes into the failure: more than expected and fewer are
        // different faults (a subscription counted twice, or a command that never subscribed).
        var seen: Int64?
        try await waitUntil(
            "the daemon to count \(count) subscriber(s) (last seen: \(seen.map(String.init) ?? "no answer"))",
            watching: [paths.directory], timeout: timeout
        ) {
            seen = await rawReply(Request.status.json.compact)?["subscribers"]?.intValue
            return seen == count
        }
        return true
    }
}
