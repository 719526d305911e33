import Foundation

/// Slow scenarios (scale, flood, low limits) run when `GOB_SLOW_TESTS=1`, as `.ci/run`
/// sets; plain `swift test` runs the fast ones.
public let slowTestsEnabled = ProcessInfo.processInfo.environment["GOB_SLOW_TESTS"] == "1"
