/// Reads the exact shapes of the hot commands (`list`, `ping`, `status`, `stop`, `add`,
/// `runs`, `ports`, `--version`, and the hidden `daemon` that auto-start runs) without
/// ArgumentParser, whose start-up costs each run ≈ 2 ms of runtime
/// conformance scans and reflection (docs/performance.md).
///
/// It accepts only what it reads exactly as the parser does and declines everything else
/// (nil): help, unknown or repeated flags, `--flag=value`, clusters such as `-af`, values
/// that look like options, missing arguments. Declined arguments go to the parser, which
/// stays the one definition of the commands for help, errors and completion.
/// `FastPathTests` feeds many shapes to both routes and requires the same `Invocation`
/// whenever this one accepts.
///
/// Like `Invocation`, it must not touch ArgumentParser, Foundation, casts or generics from
/// other modules.
enum FastPath {
    /// The invocation `arguments` (without the program name) ask for, or nil to let the
    /// parser decide.
    static func invocation(_ arguments: [String]) -> Invocation? {
        guard let first = arguments.first else { return nil }
        let rest = arguments.dropFirst()
        switch first {
        case "-v", "--version": return rest.isEmpty ? .version : nil
        case "ping": return rest.isEmpty ? .ping : nil
        case "status": return status(rest)
        case "list": return list(rest)
        case "stop": return stop(rest)
        case "add": return add(rest)
        case "runs": return runs(rest)
        case "daemon": return daemon(rest)
        case "ports": return ports(rest)
        default: return nil
        }
    }

    /// A word the parser can only take as a positional value: not empty, not an option.
    static func isPlain(_ word: String) -> Bool {
        guard let first = word.utf8.first else { return false }
        return first != UInt8(ascii: "-")
    }

    /// Sets a flag seen for the first time; false when it was already set.
    private static func set(_ flag: inout Bool) -> Bool {
        if flag { return false }
        flag = true
        return true
    }

    /// `daemon` alone or with `--ready-fd <fd>`, as auto-start runs it.
    private static func daemon(_ words: ArraySlice<String>) -> Invocation? {
        if words.isEmpty { return .daemon(readyFD: nil) }
        guard words.count == 2, words.first == "--ready-fd", let value = words.last, isPlain(value),
              let descriptor = Int32(value)
        else { return nil }
        return .daemon(readyFD: descriptor)
    }

    private static func status(_ words: ArraySlice<String>) -> Invocation? {
        var json = false
        for word in words {
            switch word {
            case "--json": guard set(&json) else { return nil }
            // Positionals are refused, with a message, by the parser route.
            default: return nil
            }
        }
        return .status(json: json)
    }

    private static func list(_ words: ArraySlice<String>) -> Invocation? {
        var all = false
        var workdir = false
        var json = false
        for word in words {
            switch word {
            case "-a", "--all": guard set(&all) else { return nil }
            case "--workdir": guard set(&workdir) else { return nil }
            case "--json": guard set(&json) else { return nil }
            default: return nil
            }
        }
        return .list(all: all, workdir: workdir, json: json)
    }

    /// `stop` with exactly one job ID; any other count is an error for the parser route.
    private static func stop(_ words: ArraySlice<String>) -> Invocation? {
        var force = false
        var quiet = false
        var json = false
        var arguments: [String] = []
        for word in words {
            switch word {
            case "-f", "--force": guard set(&force) else { return nil }
            case "-q", "--quiet": guard set(&quiet) else { return nil }
            case "--json": guard set(&json) else { return nil }
            default:
                guard isPlain(word) else { return nil }
                arguments.append(word)
            }
        }
        guard arguments.count == 1 else { return nil }
        return .stop(force: force, quiet: quiet, json: json, arguments: arguments)
    }

    /// `runs` with exactly one job ID; `--limit` with its value in the next word.
    private static func runs(_ words: ArraySlice<String>) -> Invocation? {
        var json = false
        var limit: String?
        var arguments: [String] = []
        var rest = words
        while let word = rest.first {
            switch word {
            case "--json": guard set(&json) else { return nil }
            case "--limit":
                let value = rest.dropFirst().first
                guard limit == nil, let value, isPlain(value) else { return nil }
                limit = value
                rest = rest.dropFirst()
            default:
                guard isPlain(word) else { return nil }
                arguments.append(word)
            }
            rest = rest.dropFirst()
        }
        guard arguments.count == 1 else { return nil }
        return .runs(limit: limit, json: json, arguments: arguments)
    }

    /// `ports` with at most one job ID; more is an error for the parser route. The
    /// daemon's lookup is most of its time, but the parser's start-up was a fifth of it.
    private static func ports(_ words: ArraySlice<String>) -> Invocation? {
        var all = false
        var json = false
        var arguments: [String] = []
        for word in words {
            switch word {
            case "-a", "--all": guard set(&all) else { return nil }
            case "--json": guard set(&json) else { return nil }
            default:
                guard isPlain(word) else { return nil }
                arguments.append(word)
            }
        }
        guard arguments.count <= 1 else { return nil }
        return .ports(all: all, json: json, arguments: arguments)
    }

    /// `add`: gob's options, then the job's command from the first plain word on, or
    /// everything after one `--`.
    private static func add(_ words: ArraySlice<String>) -> Invocation? {
        var follow = false
        var quiet = false
        var json = false
        var description: String?
        var rest = words
        while let word = rest.first {
            switch word {
            case "-f", "--follow": guard set(&follow) else { return nil }
            case "-q", "--quiet": guard set(&quiet) else { return nil }
            case "--json": guard set(&json) else { return nil }
            case "-d", "--description":
                let value = rest.dropFirst().first
                guard description == nil, let value, isPlain(value) else { return nil }
                description = value
                rest = rest.dropFirst()
            case "--":
                rest = rest.dropFirst()
                return rest.isEmpty ? nil : .add(follow: follow, description: description, quiet: quiet, json: json, command: Array(rest))
            default:
                guard isPlain(word) else { return nil }
                return .add(follow: follow, description: description, quiet: quiet, json: json, command: Array(rest))
            }
            rest = rest.dropFirst()
        }
        return nil
    }
}
