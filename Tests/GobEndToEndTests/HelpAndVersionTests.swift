import Testing

/// `--help`, `help [command]`, `--version` and the overview card: stdout, exit 0, and no daemon.
@Suite("Help, version and overview", .endToEnd, .timeLimit(.minutes(3)))
struct HelpAndVersionTests {
    static let commands = ["add", "list", "stop", "start", "restart", "signal", "remove", "cleanup", "nuke", "ping", "overview"]

    @Test func version() async throws {
        try await Sandbox.run { sandbox async throws in
            for arguments in [["--version"], ["-v"], ["--version", "extra"]] {
                let outcome = try await sandbox.gob(arguments)
                #expect(outcome.status == 0)
                #expect(outcome.stdout == "gob version dev\n")
                #expect(outcome.stderr.isEmpty)
            }
            #expect(!sandbox.runtimeDirectoryExists)
        }
    }

    @Test func versionIsRootOnly() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob("list", "--version")
            CommandLineErrorTests.expectUsageError(outcome, "unknown flag: --version", command: "list")
        }
    }

    @Test func rootHelp() async throws {
        try await Sandbox.run { sandbox async throws in
            for arguments in [["--help"], ["-h"], ["help"]] {
                let outcome = try await sandbox.gob(arguments)
                #expect(outcome.status == 0)
                #expect(outcome.stderr.isEmpty)
                #expect(outcome.stdout.contains("Start and manage background jobs"))
                for command in Self.commands { #expect(outcome.stdout.contains("  \(command) "), "\(command)") }
                #expect(!outcome.stdout.contains("\n  daemon "), "hidden commands are not listed")
                #expect(outcome.stdout.contains("-v, --version"))
            }
            #expect(!sandbox.runtimeDirectoryExists)
        }
    }

    @Test("every command's help", arguments: commands + ["daemon"])
    func commandHelp(command: String) async throws {
        try await Sandbox.run { sandbox async throws in
            let viaFlag = try await sandbox.gob(command, "--help")
            #expect(viaFlag.status == 0, "\(viaFlag)")
            #expect(viaFlag.stderr.isEmpty)
            #expect(viaFlag.stdout.contains("USAGE: gob \(command)"), "\(viaFlag)")
            #expect(viaFlag.stdout.contains("-h, --help"))
            let viaShort = try await sandbox.gob(command, "-h")
            #expect(viaShort.stdout == viaFlag.stdout)
            let viaHelp = try await sandbox.gob("help", command)
            #expect(viaHelp.status == 0)
            #expect(viaHelp.stdout == viaFlag.stdout)
            if command != "daemon" && command != "overview" {
                #expect(viaFlag.stdout.contains("Exit status"), "long description documents exit codes")
            }
            #expect(!sandbox.runtimeDirectoryExists)
        }
    }

    @Test func helpOfAddComesBeforeTheCommand() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob("add", "-h")
            #expect(outcome.status == 0)
            #expect(outcome.stdout.contains("USAGE: gob add"))
            #expect(outcome.stdout.contains("Added job k3v running: make watch"))
        }
    }

    @Test func unknownHelpTopic() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob("help", "nosuchtopic")
            #expect(outcome.status == 1)
            #expect(outcome.stdout.isEmpty)
            #expect(outcome.stderr == "Error: unknown help topic \"nosuchtopic\"\nRun 'gob --help' for usage.\n", "\(outcome)")
            let near = try await sandbox.gob("help", "stp")
            #expect(near.status == 1)
            #expect(near.stderr == "Error: unknown help topic \"stp\"\n\nDid you mean this?\n\tstop\n\tup\n\nRun 'gob --help' for usage.\n")
            #expect(!sandbox.runtimeDirectoryExists)
        }
    }

    @Test func overviewCard() async throws {
        try await Sandbox.run { sandbox async throws in
            let bare = try await sandbox.gob()
            let named = try await sandbox.gob("overview")
            #expect(bare.status == 0 && named.status == 0)
            #expect(bare.stdout == named.stdout)
            let lines = bare.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == "gob - Background Job Manager")
            #expect(lines[1].isEmpty)
            for heading in ["JOB MANAGEMENT", "PROCESS CONTROL"] { #expect(lines.contains(heading)) }
            #expect(lines.contains { $0.hasPrefix("  gob add <command>       ") })
            #expect(lines.contains { $0.hasPrefix("  gob signal <job_id> <sig>  ") && !$0.hasPrefix("  gob signal <job_id> <sig>   ") })
            #expect(lines.contains("Use 'gob <command> --help' for details."))
            #expect(bare.stdout.hasSuffix("\n"))
            #expect(!sandbox.runtimeDirectoryExists)
        }
    }
}
