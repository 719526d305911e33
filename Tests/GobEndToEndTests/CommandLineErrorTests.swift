import Testing

/// Parse errors, argument counts and unknown commands: exact texts, exit status 1, and
/// the daemon is never contacted.
@Suite("Command-line errors", .endToEnd, .timeLimit(.minutes(3)))
struct CommandLineErrorTests {
    /// A runtime error: exactly one line, `Error: <message>`, on stderr; nothing on
    /// stdout; exit status 1.
    static func expectRuntimeError(_ outcome: Outcome, _ message: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.status == 1, "\(outcome)", sourceLocation: sourceLocation)
        #expect(outcome.stdout.isEmpty, "\(outcome)", sourceLocation: sourceLocation)
        #expect(outcome.stderr == "Error: \(message)\n", "\(outcome)", sourceLocation: sourceLocation)
    }

    /// A usage mistake: `Error: <message>` NL, a usage block, an empty line.
    static func expectUsageError(_ outcome: Outcome, _ message: String, command: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.status == 1, "\(outcome)", sourceLocation: sourceLocation)
        #expect(outcome.stdout.isEmpty, "\(outcome)", sourceLocation: sourceLocation)
        let lines = outcome.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first.map(String.init) == "Error: \(message)", "\(outcome)", sourceLocation: sourceLocation)
        #expect(lines.count >= 2 && lines[1].hasPrefix("Usage: gob \(command)"), "\(outcome)", sourceLocation: sourceLocation)
        #expect(outcome.stderr.contains("See 'gob \(command) --help' for more information."), sourceLocation: sourceLocation)
        #expect(outcome.stderr.hasSuffix("\n\n"), "\(outcome)", sourceLocation: sourceLocation)
    }

    @Test("wrong argument counts", arguments: [
        (["stop"], "stop", "accepts 1 arg(s), received 0"),
        (["stop", "a", "b"], "stop", "accepts 1 arg(s), received 2"),
        (["start"], "start", "accepts 1 arg(s), received 0"),
        (["restart", "a", "b", "c"], "restart", "accepts 1 arg(s), received 3"),
        (["remove"], "remove", "accepts 1 arg(s), received 0"),
        (["signal", "a"], "signal", "accepts 2 arg(s), received 1"),
        (["signal", "a", "b", "c"], "signal", "accepts 2 arg(s), received 3"),
        (["add"], "add", "requires at least 1 arg(s), only received 0"),
        (["add", "--"], "add", "requires at least 1 arg(s), only received 0"),
    ])
    func argumentCounts(arguments: [String], command: String, message: String) async throws {
        try await Sandbox.run { sandbox async throws in
            Self.expectUsageError(try await sandbox.gob(arguments), message, command: command)
            #expect(!sandbox.runtimeDirectoryExists)
        }
    }

    @Test("unknown flags", arguments: [
        (["stop", "--bogus", "x"], "stop", "unknown flag: --bogus"),
        (["stop", "-la", "x"], "stop", "unknown shorthand flag: 'l' in -la"),
        (["stop", "-fl", "x"], "stop", "unknown shorthand flag: 'l' in -fl"),
        (["stop", "x", "--version"], "stop", "unknown flag: --version"),
        (["signal", "x", "-9"], "signal", "unknown shorthand flag: '9' in -9"),
        (["list", "--bogus=1"], "list", "unknown flag: --bogus"),
        (["list", "-x"], "list", "unknown shorthand flag: 'x' in -x"),
        (["add", "--bogus", "x"], "add", "unknown flag: --bogus"),
        (["add", "-x", "ls"], "add", "unknown shorthand flag: 'x' in -x"),
        (["add", "-la"], "add", "unknown shorthand flag: 'l' in -la"),
        (["cleanup", "-v"], "cleanup", "unknown shorthand flag: 'v' in -v"),
        (["nuke", "--force"], "nuke", "unknown flag: --force"),
        (["ping", "-a"], "ping", "unknown shorthand flag: 'a' in -a"),
        (["remove", "-f", "x"], "remove", "unknown shorthand flag: 'f' in -f"),
        (["stop", "--force=maybe", "x"], "stop", "invalid value \"maybe\" for --force: expected true or false"),
    ])
    func unknownFlags(arguments: [String], command: String, message: String) async throws {
        try await Sandbox.run { sandbox async throws in
            Self.expectUsageError(try await sandbox.gob(arguments), message, command: command)
            #expect(!sandbox.runtimeDirectoryExists)
        }
    }

    @Test func unknownRootFlag() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob("--bogus")
            #expect(outcome.status == 1)
            #expect(outcome.stderr.hasPrefix("Error: unknown flag: --bogus\nUsage: gob"), "\(outcome)")
        }
    }

    @Test func invalidSignalIsRefusedBeforeTheDaemon() async throws {
        try await Sandbox.run { sandbox async throws in
            for name in ["INVALID", "SIGSIGTERM", "99", "65", "-9"] {
                let outcome = try await sandbox.gob(["signal", "--", "k3v", name])
                Self.expectRuntimeError(outcome, "invalid signal: \(name)")
            }
            #expect(!sandbox.runtimeDirectoryExists)
        }
    }

    @Test("unknown commands with cobra's suggestions", arguments: [
        ("foo", "Error: unknown command \"foo\" for \"gob\"\nRun 'gob --help' for usage.\n"),
        ("version", "Error: unknown command \"version\" for \"gob\"\nRun 'gob --help' for usage.\n"),
        ("lst", "Error: unknown command \"lst\" for \"gob\"\n\nDid you mean this?\n\tlist\n\tps\n\nRun 'gob --help' for usage.\n"),
        ("stp", "Error: unknown command \"stp\" for \"gob\"\n\nDid you mean this?\n\tstop\n\tup\n\nRun 'gob --help' for usage.\n"),
        ("STOP", "Error: unknown command \"STOP\" for \"gob\"\n\nDid you mean this?\n\tstop\n\nRun 'gob --help' for usage.\n"),
        ("rem", "Error: unknown command \"rem\" for \"gob\"\n\nDid you mean this?\n\tremove\n\trun\n\nRun 'gob --help' for usage.\n"),
        ("daemn", "Error: unknown command \"daemn\" for \"gob\"\nRun 'gob --help' for usage.\n"),
        ("hel", "Error: unknown command \"hel\" for \"gob\"\nRun 'gob --help' for usage.\n"),
    ])
    func unknownCommand(word: String, expected: String) async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob(word, "x")
            #expect(outcome.status == 1)
            #expect(outcome.stdout.isEmpty)
            #expect(outcome.stderr == expected)
            #expect(!sandbox.runtimeDirectoryExists)
        }
    }
}
