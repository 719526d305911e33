/// Cobra's "Did you mean this?" rule for an unknown sub-command or help topic: a
/// command is suggested when its name is within Levenshtein distance 2 of the typed
/// word or starts with it, both compared case-insensitively.
enum CommandSuggestions {
    static let maximumDistance = 2

    /// The suggested names among `candidates`, in the order given.
    static func suggestions(for typed: String, among candidates: [String]) -> [String] {
        let word = typed.lowercased()
        return candidates.filter { name in
            let candidate = name.lowercased()
            return distance(word, candidate) <= maximumDistance || candidate.hasPrefix(word)
        }
    }

    /// The whole error text for `gob <typed>`, ending with a line feed.
    static func unknownCommandText(_ typed: String, among candidates: [String]) -> String {
        "Error: unknown command \"\(typed)\" for \"gob\"\n" + didYouMean(typed, among: candidates) + "Run 'gob --help' for usage.\n"
    }

    /// cobra's "Did you mean this?" block for `typed` (empty when nothing is close),
    /// ending with an empty line.
    static func didYouMean(_ typed: String, among candidates: [String]) -> String {
        let found = suggestions(for: typed, among: candidates)
        guard !found.isEmpty else { return "" }
        return "\nDid you mean this?\n" + found.map { "\t\($0)\n" }.joined() + "\n"
    }

    /// Levenshtein distance over Unicode scalars.
    static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a.unicodeScalars)
        let t = Array(b.unicodeScalars)
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var previous = Array(0...t.count)
        var current = [Int](repeating: 0, count: t.count + 1)
        for i in 1...s.count {
            current[0] = i
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[t.count]
    }
}

extension CommandSuggestions {
    /// The whole error text for `gob help <typed>` when no command has that name.
    static func unknownHelpTopicText(_ typed: String, among candidates: [String]) -> String {
        "Error: unknown help topic \"\(typed)\"\n" + didYouMean(typed, among: candidates) + "Run 'gob --help' for usage.\n"
    }
}
