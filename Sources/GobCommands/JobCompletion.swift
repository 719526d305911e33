import ArgumentParser
import GobClient
import GobProtocol
import GobSystem

/// Live candidates for shell completion, through the argument parser's own
/// `---completion` protocol: the IDs of the current directory's jobs, newest first,
/// described by their commands — running jobs first where a running job is wanted
/// (`stop`, `signal`), stopped ones first for `start` — and signal names.
///
/// A completion must never disturb the terminal: any failure (no daemon, no directory,
/// a refused request) offers nothing and prints nothing. No daemon is started just to
/// complete: without one there are no jobs to offer.
enum JobCompletion {
    /// The job ID of `restart`, `stdout` and `stderr`: the first positional only.
    @Sendable static func firstJobID(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        positional(words, index, valueOptions: ["--tail"]) == 0 ? jobIDs(prefix: prefix) : []
    }

    /// The job ID of `runs`, whose option `--limit` takes a value.
    @Sendable static func runsJobID(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        positional(words, index, valueOptions: ["--limit"]) == 0 ? jobIDs(prefix: prefix) : []
    }

    /// The job ID of `stop`: running jobs first, as those are the ones to stop.
    @Sendable static func runningJobIDFirst(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        positional(words, index, valueOptions: []) == 0 ? jobIDs(prefix: prefix, first: .running) : []
    }

    /// The job ID of `start` and `remove`: stopped jobs first, as only those can be.
    @Sendable static func stoppedJobIDFirst(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        positional(words, index, valueOptions: []) == 0 ? jobIDs(prefix: prefix, first: .stopped) : []
    }

    /// `await`'s job IDs: every positional, leaving out the IDs already given.
    @Sendable static func everyJobID(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let valueOptions: Set<String> = ["--timeout"]
        guard positional(words, index, valueOptions: valueOptions) != nil else { return [] }
        let given = words.indices.filter { $0 != index && positional(words, $0, valueOptions: valueOptions) != nil }
        return jobIDs(prefix: prefix, excluding: Set(given.map { words[$0] }))
    }

    /// `signal`: the job ID (running jobs first), then the signal name.
    @Sendable static func signalArguments(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        switch positional(words, index, valueOptions: []) {
        case 0: return jobIDs(prefix: prefix, first: .running)
        case 1: return signalNames(prefix: prefix)
        default: return []
        }
    }

    /// Signal names starting with what was typed, spelled the way it was typed: `TE` or
    /// `te` gives `TERM` or `term`, `SIGT` or `sigt` gives `SIGTERM` or `sigterm`. Nothing
    /// typed: the bare names.
    static func signalNames(prefix: String) -> [String] {
        let typed = prefix.uppercased()
        let lowercase = !prefix.isEmpty && prefix == prefix.lowercased()
        var names: [String] = []
        for spellings in [SignalName.accepted.map(\.0), typed.isEmpty ? [] : SignalName.accepted.map { "SIG" + $0.0 }] {
            for spelled in spellings where spelled.hasPrefix(typed) {
                let description = spelled.hasPrefix("SIG") ? spelled : "SIG" + spelled
                names.append(candidate(lowercase ? spelled.lowercased() : spelled, description))
            }
        }
        return names
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

    /// How long a completion waits for the daemon at most: a daemon busy for longer (the
    /// client would wait while its CPU time grows) leaves the shell without suggestions.
    static let deadlineNanoseconds: Int64 = 5_000_000_000

    /// IDs of this directory's jobs starting with `prefix`, newest first; with `first`,
    /// the jobs of that status come before the others.
    static func jobIDs(prefix: String, excluding: Set<String> = [], first: JobSnapshot.Status? = nil) -> [String] {
        guard let workdir = try? WorkingDirectory.current() else { return [] }
        let client = DaemonClient(paths: RuntimePaths.current(), deadline: MonotonicClock.now() + deadlineNanoseconds)
        guard let response = try? client.sendIfRunning(.list(workdir: workdir)), response.success,
              let jobs = response.jobs
        else { return [] }
        let matching = jobs.filter { $0.id.hasPrefix(prefix) && !excluding.contains($0.id) }
        let ordered = first.map { status in matching.filter { $0.status == status } + matching.filter { $0.status != status } }
            ?? matching
        return ordered.map { candidate($0.id, $0.commandLine) }
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
