/// A message in the status bar, shown for 3 s.
public struct StatusMessage: Equatable, Sendable {
    public var text: String
    public var isError: Bool
    /// Identifies this message to its expiry timer.
    public var serial: Int
}
