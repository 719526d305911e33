/// A command that failed for a reason the user should read: printed as
/// `Error: <message>` followed by the command's usage block, exit status 1 (contract §1.2).
struct CommandFailure: Error, Equatable, CustomStringConvertible {
    let message: String
    /// 1 for gob's own errors; 125 when the daemon could not be reached or went away and
    /// 124 for a command's own deadline, so neither can be taken for a job's status. A
    /// failure other than 1 is printed as the one `Error:` line, without a usage block.
    let exitStatus: Int32

    init(_ message: String, exitStatus: Int32 = 1) {
        self.message = message
        self.exitStatus = exitStatus
    }

    var description: String { message }
}
