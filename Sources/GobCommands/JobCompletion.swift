import ArgumentParser
import GobClient
import GobProtocol

/// Live candidates for shell completion (contract §2.21, approximated with the argument
/// parser's own `---completion` protocol instead of cobra's `__complete`): the IDs of the
/// current directory's jobs, newest first, described by their commands, and signal names.
///
/// A completion must never disturb the terminal: any failure (no daemon, no directory,
/// a refused request) offers nothing and prints nothing. No daemon is started just to
/// complete: without one there are no jobs to offer.
enum JobCompletion {
    /// The job ID of `stop`, `start`, `restart`, `remove`, `stdout` and `stderr`: the first
    /// positional only.
    @Sendable static func firstJobID(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        positional(words, index, valueOptions: ["--tail"]) == 0 ? jobIDs(prefix: prefix) : []
    }

    /// `await`'s job IDs: every positional, leaving out the IDs already given.
    @Sendable static func everyJobID(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let valueOptions: Set<String> = ["--timeout"]
        guard positional(words, index, valueOptions: valueOptions) != nil else { return [] }
        let given = words.indices.filter { $0 != index && positional(words, $0, valueOptions: valueOptions) != nil }
        return jobIDs(prefix: prefix, excluding: Set(given.map { words[$0] }))
    }

    /// `signal`: the job ID, then the signal name.
    @Sendable static func signalArguments(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        switch positional(words, index, valueOptions: []) {
        case 0: return jobIDs(prefix: prefix)
        case 1:
            let typed = prefix.uppercased()
            return SignalName.accepted.map(\.0).filter { $0.hasPrefix(typed) }.map { candidate($0, "SIG" + $0) }
        default: return []
        }
    }

    /// Which positional argument of the command the word at `index` is (0 for the first),
    /// nil for an option or an option's value. `words[0]` is `gob`, `words[1]` the command.
    static func positional(_ words: [String], _ index: Int, valueOptions: Set<String>) -> Int? {
        guard index >= 2, index <= words.count else { return nil }
        var count = 0
        var afterTerminator = false
        var position = 2
        while position < index {
            let word = position < words.count ? words[position] : ""
            if afterTerminator || !word.hasPrefix("-") || word == "-" {
                count += 1
            } else if word == "--" {
                afterTerminator = true
            } else if valueOptions.contains(word) {
                position += 1
                if position == index { return nil }
            }
            position += 1
        }
        let current = index < words.count ? words[index] : ""
        if !afterTerminator, current.hasPrefix("-"), current != "-" { return nil }
        return count
    }

    /// IDs of this directory's jobs starting with `prefix`, newest first.
    static func jobIDs(prefix: String, excluding: Set<String> = []) -> [String] {
        guard let workdir = try? WorkingDirectory.current() else { return [] }
        let client = DaemonClient(paths: RuntimePaths.current())
        guard let response = try? client.sendIfRunning(.list(workdir: workdir)), response.success,
              let jobs = response.jobs
        else { return [] }
        return jobs.filter { $0.id.hasPrefix(prefix) && !excluding.contains($0.id) }.map {
            candidate($0.id, $0.commandLine)
        }
    }

    /// One candidate in the requesting shell's format: zsh reads `value:description`,
    /// fish `value<TAB>description`; bash shows values only.
    static func candidate(_ value: String, _ description: String) -> String {
        let text = String(description.map { $0 == "\n" || $0 == "\t" || $0 == "\r" ? " " : $0 })
        switch CompletionShell.requesting {
        case .zsh?: return value + ":" + text
        case .fish?: return value + "\t" + text
        default: return value
        }
    }
}
