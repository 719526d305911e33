/// Why the TUI could not run or had to stop; `description` becomes the command's error.
public struct TUIError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
