import ArgumentParser
import GobProtocol

/// The flags one command declares, read from its ArgumentParser definition, and the
/// cobra/pflag rules gob's flag errors follow (`unknown flag: --bogus`, …).
///
/// It is built only after the parser refused the arguments (or for a passthrough
/// command's leading options), so the common path pays nothing for it; the definition
/// stays the one source of truth for which flags exist.
struct FlagTable {
    /// One declared flag or option.
    struct Entry: Equatable {
        var long: String?
        var short: Character?
        /// Options take a value; flags are booleans.
        var takesValue: Bool

        /// pflag's name for the flag in messages: `-f, --force` or `--json`.
        var display: String {
            switch (short, long) {
            case let (s?, l?): "-\(s), --\(l)"
            case let (s?, nil): "-\(s)"
            case let (nil, l?): "--\(l)"
            case (nil, nil): ""
            }
        }
    }

    /// What the arguments look like under cobra's rules.
    enum Diagnosis: Equatable {
        /// Every flag is known; boolean values written as `--flag=true|false` are
        /// rewritten to the plain forms the parser takes.
        case valid([String])
        /// The error text for the first offending argument.
        case invalid(String)
    }

    let entries: [Entry]

    init(entries: [Entry]) { self.entries = entries }

    /// The flags of `command` (its own, not its parent's), from the parser's description.
    init(of command: any ParsableCommand.Type) {
        var entries: [Entry] = []
        let description = (try? JSON(parsing: command._dumpHelp())) ?? .null
        for argument in description["command"]?["arguments"]?.arrayValue ?? [] {
            let kind = argument["kind"]?.stringValue
            guard kind == "flag" || kind == "option" else { continue }
            var entry = Entry(long: nil, short: nil, takesValue: kind == "option")
            for name in argument["names"]?.arrayValue ?? [] {
                guard let text = name["name"]?.stringValue else { continue }
                switch name["kind"]?.stringValue {
                case "long": entry.long = text
                case "short": entry.short = text.first
                default: break
                }
            }
            if entry.long != nil || entry.short != nil { entries.append(entry) }
        }
        self.init(entries: entries)
    }

    func entry(long name: Substring) -> Entry? { entries.first { $0.long.map { $0[...] == name } ?? false } }
    func entry(short name: Character) -> Entry? { entries.first { $0.short == name } }

    /// Checks `arguments` the way pflag parses them: flags anywhere until `--` (or, with
    /// `stopAtFirstPositional`, until the first non-option argument: a job's command).
    func diagnose(_ arguments: [String], stopAtFirstPositional: Bool = false) -> Diagnosis {
        var output: [String] = []
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            if token == "--" {
                output.append(contentsOf: arguments[index...])
                break
            }
            if token.hasPrefix("--") {
                let body = token.dropFirst(2)
                let name = body.prefix { $0 != "=" }
                let value = body.count > name.count ? String(body.dropFirst(name.count + 1)) : nil
                guard let entry = entry(long: name) else { return .invalid("unknown flag: --\(name)") }
                switch rewrite(token, entry: entry, plain: "--\(name)", value: value) {
                case let .invalid(message): return .invalid(message)
                case let .valid(tokens): output.append(contentsOf: tokens)
                }
                if entry.takesValue, value == nil {
                    guard index + 1 < arguments.count else { return .invalid("flag needs an argument: --\(name)") }
                    index += 1
                    // Joined, so that a value starting with `-` (`--timeout -1`) reaches
                    // the command's own check instead of reading as a missing value.
                    output[output.count - 1] = "--\(name)=\(arguments[index])"
                }
            } else if token.hasPrefix("-") && token.count > 1 {
                switch shorthand(token) {
                case let .invalid(message): return .invalid(message)
                case let .valid(tokens): output.append(contentsOf: tokens)
                }
            } else {
                output.append(token)
                if stopAtFirstPositional {
                    output.append(contentsOf: arguments[(index + 1)...])
                    break
                }
            }
            index += 1
        }
        return .valid(output)
    }

    /// A cluster such as `-la`: every letter must be a known short flag; an option's
    /// letter takes the rest of the cluster as its value.
    private func shorthand(_ token: String) -> Diagnosis {
        let letters = Array(token.dropFirst())
        for (position, letter) in letters.enumerated() {
            guard let entry = entry(short: letter) else {
                return .invalid("unknown shorthand flag: '\(letter)' in \(token)")
            }
            if entry.takesValue { return .valid([token]) }
            if position + 1 < letters.count, letters[position + 1] == "=" {
                let value = String(letters[(position + 2)...])
                let before = String(letters[..<position])
                switch rewrite(token, entry: entry, plain: "-\(letter)", value: value) {
                case let .invalid(message): return .invalid(message)
                case let .valid(tokens): return .valid(before.isEmpty ? tokens : ["-" + before] + tokens)
                }
            }
        }
        return .valid([token])
    }

    /// A boolean flag written with a value: `true` keeps the plain flag, `false` drops
    /// it, anything else is pflag's parse error. Options keep their token.
    private func rewrite(_ token: String, entry: Entry, plain: String, value: String?) -> Diagnosis {
        guard let value, !entry.takesValue else { return .valid([token]) }
        switch value {
        case "1", "t", "T", "true", "TRUE", "True": return .valid([plain])
        case "0", "f", "F", "false", "FALSE", "False": return .valid([])
        default:
            let flag = entry.long.map { "--\($0)" } ?? entry.display
            return .invalid("invalid value \"\(value)\" for \(flag): expected true or false")
        }
    }
}
