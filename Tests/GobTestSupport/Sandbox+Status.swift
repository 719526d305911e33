import GobProtocol

/// The daemon's health as its `status` reply reports it.
extension Sandbox {
    /// Waits until the daemon counts `count` subscribers: checked now and after each
    /// change of the daemon log, which notes every subscriber added and removed. Throws
    /// `WaitTimeout` after `timeout`; the result is always true (kept for `#expect`).
    @discardableResult
    public func waitForSubscribers(_ count: Int64, timeout: Duration = Failsafe.wait) async throws -> Bool {
        try await waitUntil("the daemon to count \(count) subscriber(s)", watching: [paths.directory], timeout: timeout) {
            await rawReply(Request.status.json.compact)?["subscribers"]?.intValue == count
        }
        return true
    }
}
