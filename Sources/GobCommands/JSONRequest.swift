import ArgumentParser

/// Whether a failed command line asked for `--json`, so that its failure is printed as
/// JSON too. Read again from the raw arguments because a failure may come before (or
/// instead of) a parsed command; only failures pay for it.
enum JSONRequest {
    static func asked(in arguments: ArraySlice<String>, of type: any ParsableCommand.Type) -> Bool {
        let table = FlagTable(of: type)
        guard table.entry(long: "json") != nil else { return false }
        // `add` and `run`: everything from the job's command on belongs to the job.
        let passthrough = type == AddCommand.self || type == RunCommand.self
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let word = arguments[index]
            index += 1
            if word == "--" { return false }
            if word == "--json" { return true }
            if word.hasPrefix("--json=") { return ["1", "t", "T", "true", "TRUE", "True"].contains(word.dropFirst(7)) }
            if word.hasPrefix("--"), !word.contains("="), table.entry(long: word.dropFirst(2))?.takesValue == true {
                index += 1
            } else if word.count == 2, word.hasPrefix("-"), let letter = word.last,
                      table.entry(short: letter)?.takesValue == true {
                index += 1
            } else if passthrough, FastPath.isPlain(word) {
                return false
            }
        }
        return false
    }
}
