import ArgumentParser

/// The job's argv of a command that captures its positionals raw (`add`): gob's own
/// options come only before the job's command. The parser has already
/// taken the options it knows except help; what remains in front is help, an unknown
/// option, or one `--` to drop.
enum PassthroughArguments {
    static func command(from captured: [String], of type: any ParsableCommand.Type) throws -> [String] {
        var words = captured[...]
        while let first = words.first, first.hasPrefix("-"), first != "-" {
            words.removeFirst()
            if first == "--" { break }
            if case let .invalid(message) = FlagTable(of: type).diagnose([first]) {
                throw CommandFailure.usage(message)
            }
            if first == "-h" || first == "--help" { throw HelpRequested() }
        }
        return Array(words)
    }
}
