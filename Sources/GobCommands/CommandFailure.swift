/// A command that failed for a reason the user should read: printed as
/// `Error: <message>` followed by the command's usage block, exit status 1 (contract §1.2).
struct CommandFailure: Error, Equatable, CustomStringConvertible {
    let message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
