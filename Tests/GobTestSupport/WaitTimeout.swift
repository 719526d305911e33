/// A wait that reached its failsafe deadline; says what did not happen.
public struct WaitTimeout: Error, CustomStringConvertible {
    public let description: String

    public init(_ what: String, after timeout: Duration) {
        description = "timed out after \(timeout) waiting for \(what)"
    }
}
