import GobProtocol

/// The job's argv of `add` and `run` as typed: several arguments are taken as they are;
/// one argument with spaces (`gob add "sh -c 'echo a b'"`) is split as a POSIX shell
/// would split it, without expanding anything.
enum JobCommand {
    /// The argv; `requirement` is the message when there is none.
    static func argv(from arguments: [String], requirement: String) throws(CommandFailure) -> [String] {
        guard let only = arguments.first else { throw .usage(requirement) }
        guard arguments.count == 1, only.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A }) else {
            return arguments
        }
        let words: [String]
        do { words = try ShellWords.split(only) } catch { throw .invalid(error.description) }
        guard !words.isEmpty else { throw .usage(requirement) }
        return words
    }
}
