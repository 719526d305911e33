/// Something a test needs from its sandbox that is not there (a daemon, a process).
public struct SandboxFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
