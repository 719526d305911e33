import Foundation
import Testing

/// `gob completion bash|zsh|fish` loaded in the real shells:
/// sub-commands, flags, live job IDs of the current directory, signal names. zsh and fish
/// are driven through a pseudo-terminal (zsh's `zpty`); their tests run when installed.
@Suite("Shell completion", .endToEnd, .timeLimit(.minutes(3)))
struct CompletionTests {
    /// Completes each line in bash through the generated completion function, printing
    /// `<<line>>` then one candidate a line.
    static let bashDriver = #"""
        source <(gob completion bash) || exit 3
        for line in "$@"; do
            COMP_LINE="$line"; COMP_POINT=${#COMP_LINE}
            read -ra COMP_WORDS <<< "$COMP_LINE"
            [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMPREPLY=()
            _gob gob "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '<<%s>>\n' "$line"
            printf '%s\n' "${COMPREPLY[@]}"
        done
        """#

    /// Types each line into an interactive zsh followed by a key bound to completion,
    /// and prints every candidate the completion system is given as `<<CAND:…>>`.
    static let zshDriver = #"""
        zmodload zsh/zpty
        for line in "$@"; do
            zpty z zsh -f -i
            zpty -w z 'PS1=""; autoload -Uz compinit; compinit -u -D; source <(gob completion zsh)'
            zpty -w z 'compadd() { local -a h; builtin compadd -O h "$@"; local c; for c in $h; do print -r -- "<<""CAND:$c>>"; done; builtin compadd "$@"; }'
            zpty -w z '__t() { zle complete-word; print -r -- "<<""DONE>>"; }; zle -N __t; bindkey "^T" __t'
            zpty -n -w z "$line"$'\C-t'
            out=""
            while zpty -r z chunk; do out+="$chunk"; [[ "$out" == *'<<DONE>>'* ]] && break; done
            print -r -- "<<$line>>"
            print -r -- "$out" | grep -ao '<<CAND:[^>]*>>' | sed 's/^<<CAND:\(.*\)>>$/\1/'
            zpty -d z
        done
        """#

    /// Asks an interactive fish (in a pseudo-terminal) for the completions of each line
    /// with `complete -C`, printing `<<C:value<TAB>description>>`.
    static let fishDriver = #"""
        zmodload zsh/zpty
        for line in "$@"; do
            zpty f fish --no-config -i
            zpty -w f 'function fish_prompt; end; function fish_greeting; end; gob completion fish | source'
            zpty -w f "for c in (complete -C '$line'); echo \"<<\"\"C:\$c>>\"; end; echo '<<''END>>'"
            out=""
            while zpty -r f chunk; do out+="$chunk"; [[ "$out" == *'<<END>>'* ]] && break; done
            print -r -- "<<$line>>"
            print -r -- "$out" | grep -ao '<<C:[^>]*>>' | sed 's/^<<C:\(.*\)>>$/\1/'
            zpty -d f
        done
        """#

    /// The candidates per completed line from a driver's output.
    static func candidates(_ output: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        var current: String?
        for line in output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("<<"), line.hasSuffix(">>") {
                let key = String(line.dropFirst(2).dropLast(2))
                current = key
                result[key] = []
            } else if let current, !line.isEmpty {
                result[current, default: []].append(line)
            }
        }
        return result
    }

    static let subcommandsStartingWithST: Set = ["start", "stats", "status", "stderr", "stdout", "stop"]
    static let signalNames: Set = ["HUP", "INT", "QUIT", "KILL", "TERM", "USR1", "USR2", "STOP", "CONT", "ALRM", "PIPE", "CHLD", "ABRT", "TRAP"]

    @Test func bashCompletesCommandsFlagsJobIDsAndSignals() async throws {
        let bash = try #require(Sandbox.installedProgram("bash"))
        try await Sandbox.run { sandbox async throws in
            let (first, _) = try await sandbox.addJob("sleep", "300")
            let (second, _) = try await sandbox.addJob("sleep", "301")
            let (done, _) = try await sandbox.addJob("true")
            _ = try await sandbox.waitUntilStopped(done)
            // A job of another directory is not offered.
            _ = try await sandbox.addJob("sleep", "302", in: try sandbox.makeDirectory())
            let lines = ["gob st", "gob stop ", "gob stop -", "gob signal \(first) ", "gob signal ", "gob await \(first) ",
                         "gob stderr --tail 5 ", "gob stop \(first) ", "gob completion ", "gob start ", "gob remove ",
                         "gob signal \(first) SIGT", "gob signal \(first) sigk", "gob signal \(first) S"]
            let outcome = try await sandbox.runProgram(bash, ["-c", Self.bashDriver, "driver"] + lines)
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.stderr.isEmpty, "\(outcome)")
            let got = Self.candidates(outcome.stdout)
            #expect(Set(got["gob st"] ?? []) == Self.subcommandsStartingWithST)
            #expect(got["gob stop "] == [second, first, done], "this directory's IDs, running ones first, newest first")
            #expect(Set(got["gob stop -"] ?? []) == ["-f", "--force", "-q", "--quiet", "--json", "-h", "--help"])
            #expect(Set(got["gob signal \(first) "] ?? []) == Self.signalNames)
            #expect(got["gob signal "] == [second, first, done], "running jobs first")
            #expect(got["gob start "] == [done, second, first], "stopped jobs first")
            #expect(got["gob remove "] == [done, second, first], "stopped jobs first")
            #expect(got["gob signal \(first) SIGT"] == ["SIGTERM", "SIGTRAP"], "names after a SIG prefix")
            #expect(got["gob signal \(first) sigk"] == ["sigkill"], "in the case typed")
            #expect(Set(got["gob signal \(first) S"] ?? []) == Set(["STOP"] + Self.signalNames.map { "SIG" + $0 }))
            #expect(got["gob await \(first) "] == [done, second], "IDs already given are not offered again")
            #expect(got["gob stderr --tail 5 "] == [done, second, first])
            #expect(got["gob stop \(first) "] == [], "stop takes one ID")
            #expect(Set(got["gob completion "] ?? []) == ["bash", "zsh", "fish"])
        }
    }

    @Test func noDaemonCompletesNothingQuietlyAndStartsNone() async throws {
        let bash = try #require(Sandbox.installedProgram("bash"))
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.runProgram(bash, ["-c", Self.bashDriver, "driver", "gob stop ", "gob signal "])
            #expect(outcome.status == 0)
            #expect(outcome.stderr.isEmpty, "nothing on the terminal: \(outcome)")
            #expect(Self.candidates(outcome.stdout) == ["gob stop ": [], "gob signal ": []])
            #expect(sandbox.daemons.isEmpty, "completion does not start the daemon")
        }
    }

    @Test(.enabled(if: Sandbox.installedProgram("zsh") != nil, "zsh is not installed"))
    func zshCompletesCommandsJobIDsAndSignals() async throws {
        let zsh = try #require(Sandbox.installedProgram("zsh"))
        try await Sandbox.run { sandbox async throws in
            let (first, _) = try await sandbox.addJob("sleep", "300")
            let (second, _) = try await sandbox.addJob("sleep", "301")
            let lines = ["gob st", "gob stop ", "gob signal \(first) ", "gob list --"]
            let outcome = try await sandbox.runProgram(zsh, ["-f", "-c", Self.zshDriver, "driver"] + lines)
            #expect(outcome.status == 0, "\(outcome)")
            let got = Self.candidates(outcome.stdout)
            #expect(Set(got["gob st"] ?? []) == Self.subcommandsStartingWithST, "\(outcome)")
            #expect(Set(got["gob stop "] ?? []) == [first, second], "\(outcome)")
            #expect(Set(got["gob signal \(first) "] ?? []) == Self.signalNames, "\(outcome)")
            #expect(Set(got["gob list --"] ?? []) == ["--all", "--workdir", "--json", "--help"], "\(outcome)")
        }
    }

    @Test(.enabled(if: Sandbox.installedProgram("fish") != nil && Sandbox.installedProgram("zsh") != nil,
                   "fish (and zsh, whose zpty drives it) is not installed"))
    func fishCompletesCommandsAndDescribedJobIDs() async throws {
        let zsh = try #require(Sandbox.installedProgram("zsh"))
        try await Sandbox.run { sandbox async throws in
            let (first, _) = try await sandbox.addJob("sleep", "300")
            let (second, _) = try await sandbox.addJob("sleep", "301")
            let lines = ["gob st", "gob stop ", "gob signal \(first) TE"]
            let outcome = try await sandbox.runProgram(zsh, ["-f", "-c", Self.fishDriver, "driver"] + lines)
            #expect(outcome.status == 0, "\(outcome)")
            let got = Self.candidates(outcome.stdout)
            let commands = Set((got["gob st"] ?? []).map { String($0.prefix { $0 != "\t" }) })
            #expect(commands == Self.subcommandsStartingWithST, "\(outcome)")
            #expect((got["gob st"] ?? []).contains("stop\tStop a background job"), "with descriptions")
            #expect(got["gob stop "] == ["\(second)\tsleep 301", "\(first)\tsleep 300"], "newest first, described: \(outcome)")
            #expect(got["gob signal \(first) TE"] == ["TERM\tSIGTERM"], "\(outcome)")
        }
    }

    @Test func completionCommandErrorsAndHelp() async throws {
        try await Sandbox.run { sandbox async throws in
            let help = try await sandbox.gob("completion")
            #expect(help.status == 0)
            #expect(help.stdout.contains("source <(gob completion bash)"))
            for (shell, firstLine) in [("bash", "#!/bin/bash"), ("zsh", "#compdef gob"), ("fish", "function ")] {
                let script = try await sandbox.gob("completion", shell)
                #expect(script.status == 0)
                #expect(script.stdout.hasPrefix(firstLine), "\(shell)")
            }
            CommandLineErrorTests.expectRuntimeError(
                try await sandbox.gob("completion", "powershell"), "unsupported shell \"powershell\" (supported: bash, zsh, fish)")
            CommandLineErrorTests.expectUsageError(
                try await sandbox.gob("completion", "bash", "extra"),
                "unknown command \"extra\" for \"gob completion bash\"", command: "completion")
            #expect(!sandbox.runtimeDirectoryExists, "completion never touches the daemon")
        }
    }
}
