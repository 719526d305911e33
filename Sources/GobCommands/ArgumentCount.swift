import GobProtocol

/// Positional-argument checks with the messages scripts match (`accepts 1 arg(s), received
/// <n>`, …). Commands declare their positionals as arrays and check the count themselves,
/// so the message is exact.
enum ArgumentCount {
    /// The only argument, or `accepts 1 arg(s), received <n>`.
    static func exactlyOne(_ arguments: [String]) throws(CommandFailure) -> String {
        guard arguments.count == 1, let only = arguments.first else {
            throw .usage("accepts 1 arg(s), received \(arguments.count)")
        }
        return only
    }

    /// The two arguments, or `accepts 2 arg(s), received <n>`.
    static func exactlyTwo(_ arguments: [String]) throws(CommandFailure) -> (String, String) {
        guard arguments.count == 2 else {
            throw .usage("accepts 2 arg(s), received \(arguments.count)")
        }
        return (arguments[0], arguments[1])
    }

    /// The one job ID of `stop`, `start`, `stdout`, …: exactly one argument, not empty.
    static func jobID(_ arguments: [String]) throws(CommandFailure) -> String {
        try JobIDArgument.checked(exactlyOne(arguments))
    }

    /// Refuses any positional argument of a command that takes none, before anything
    /// else happens: `gob nuke V3x0QqI` must not nuke the whole directory. `hint` says
    /// what the user probably meant, given the first argument.
    static func none(_ arguments: [String], command: String, hint: ((String) -> String)? = nil) throws(CommandFailure) {
        guard let first = arguments.first else { return }
        if let hint {
            throw .invalid("\"gob \(command)\" takes no job ID (\(hint(first)))")
        }
        throw .invalid("\"gob \(command)\" takes no arguments (got \(ShellWords.quote(first)))")
    }
}

/// A job ID given on the command line.
enum JobIDArgument {
    /// `id`, or an error when it is empty: no job has an empty ID, and an empty word is
    /// usually an unset shell variable (`gob await "$JOB"`).
    static func checked(_ id: String) throws(CommandFailure) -> String {
        guard !id.isEmpty else { throw .invalid("job ID is empty (is the variable holding it set?)") }
        return id
    }
}
