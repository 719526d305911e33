import GobProtocol

/// A command that failed for a reason the user should read: printed as one line,
/// `Error: <message>`, on stderr, exit status 1. A usage mistake (code `usage`) is followed
/// by the command's usage hint; with `--json`, stdout also gets
/// `{"error":{"code":…,"message":…}}`.
struct CommandFailure: Error, Equatable, CustomStringConvertible {
    let message: String
    /// What kind of failure this is, for scripts: the daemon's code, or the client's own.
    let code: ErrorCode
    /// 1 for gob's own errors; 125 when the daemon could not be reached or went away and
    /// 124 for a command's own deadline, so neither can be taken for a job's status. Only
    /// usage mistakes print the usage block.
    let exitStatus: Int32

    init(_ message: String, code: ErrorCode, exitStatus: Int32 = 1) {
        self.message = message
        self.code = code
        self.exitStatus = exitStatus
    }

    /// A wrong command line: an unknown flag, a missing value, the wrong number of
    /// arguments. Only these print the usage hint.
    static func usage(_ message: String) -> CommandFailure {
        CommandFailure(message, code: .usage)
    }

    /// A value gob cannot use: a bad signal name, a negative `--timeout`.
    static func invalid(_ message: String) -> CommandFailure {
        CommandFailure(message, code: .invalidArgument)
    }

    /// Whether the usage hint follows the message.
    var showsUsage: Bool { code == .usage }

    var description: String { message }

    /// The `--json` form: `{"error":{"code":…,"message":…}}`.
    var json: JSON {
        .object([("error", .object([("code", .string(code.rawValue)), ("message", .string(message))]))])
    }
}
