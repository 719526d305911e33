@testable import GobCommands
import Testing

/// The cobra rules behind the CLI's messages, checked in-process.
@Suite("Command parsing rules")
struct CommandParsingTests {
    static let stop = FlagTable(of: StopCommand.self)
    static let list = FlagTable(of: ListCommand.self)

    @Test func tablesComeFromTheDefinitions() {
        #expect(Self.stop.entries.contains(FlagTable.Entry(long: "force", short: "f", takesValue: false)))
        #expect(Self.stop.entries.contains(FlagTable.Entry(long: "help", short: "h", takesValue: false)))
        #expect(Self.list.entries.contains(FlagTable.Entry(long: "workdir", short: nil, takesValue: false)))
        #expect(FlagTable(of: DaemonCommand.self).entries.contains(FlagTable.Entry(long: "ready-fd", short: nil, takesValue: true)))
        #expect(!FlagTable(of: StopCommand.self).entries.contains { $0.long == "version" })
    }

    @Test("pflag diagnoses", arguments: [
        (["x", "-f"], FlagTable.Diagnosis.valid(["x", "-f"])),
        (["--force=true", "x"], .valid(["--force", "x"])),
        (["--force=false", "x"], .valid(["x"])),
        (["--force=T", "x"], .valid(["--force", "x"])),
        (["-f=0", "x"], .valid(["x"])),
        (["--", "-la"], .valid(["--", "-la"])),
        (["-"], .valid(["-"])),
        (["-la"], .invalid("unknown shorthand flag: 'l' in -la")),
        (["-fx"], .invalid("unknown shorthand flag: 'x' in -fx")),
        (["--bogus=1"], .invalid("unknown flag: --bogus")),
        (["--force=yes"], .invalid("invalid value \"yes\" for --force: expected true or false")),
    ])
    func diagnose(arguments: [String], expected: FlagTable.Diagnosis) {
        #expect(Self.stop.diagnose(arguments) == expected)
    }

    @Test func optionsNeedValues() {
        let daemon = FlagTable(of: DaemonCommand.self)
        #expect(daemon.diagnose(["--ready-fd"]) == .invalid("flag needs an argument: --ready-fd"))
        #expect(daemon.diagnose(["--ready-fd", "3"]) == .valid(["--ready-fd=3"]))
        let awaitTable = FlagTable(of: AwaitCommand.self)
        #expect(awaitTable.diagnose(["--timeout", "-1", "x"]) == .valid(["--timeout=-1", "x"]), "a negative value stays a value")
    }

    @Test func stopsAtFirstPositionalWhenAsked() {
        let add = FlagTable(of: AddCommand.self)
        #expect(add.diagnose(["ls", "-la"], stopAtFirstPositional: true) == .valid(["ls", "-la"]))
        #expect(add.diagnose(["ls", "-la"]) == .invalid("unknown shorthand flag: 'l' in -la"))
    }

    @Test func passthroughLeadingOptions() throws {
        #expect(try PassthroughArguments.command(from: ["--", "ls", "-a"], of: AddCommand.self) == ["ls", "-a"])
        #expect(try PassthroughArguments.command(from: ["--", "--", "x"], of: AddCommand.self) == ["--", "x"])
        #expect(try PassthroughArguments.command(from: ["make", "-j4"], of: AddCommand.self) == ["make", "-j4"])
        #expect(throws: CommandFailure.usage("unknown flag: --bogus")) {
            try PassthroughArguments.command(from: ["--bogus", "x"], of: AddCommand.self)
        }
        #expect(throws: HelpRequested.self) { try PassthroughArguments.command(from: ["-h"], of: AddCommand.self) }
    }

    /// The visible commands of upstream's root help, in cobra's order.
    static let rootCommands = [
        "add", "cleanup", "completion", "events", "list", "logs", "nuke", "overview", "ping", "remove",
        "restart", "run", "signal", "start", "stderr", "stdout", "stop", "tui",
    ]

    @Test("suggestions", arguments: [
        ("lst", ["list"]), ("stp", ["stop"]), ("LIST", ["list"]), ("st", ["list", "start", "stderr", "stdout", "stop"]),
        ("rem", ["remove", "run"]), ("foo", []), ("nuk", ["nuke", "run", "tui"]), ("tu", ["run", "tui"]), ("version", []),
    ])
    func suggestions(typed: String, expected: [String]) {
        #expect(CommandSuggestions.suggestions(for: typed, among: Self.rootCommands) == expected)
    }

    @Test func levenshtein() {
        #expect(CommandSuggestions.distance("", "abc") == 3)
        #expect(CommandSuggestions.distance("kitten", "sitting") == 3)
        #expect(CommandSuggestions.distance("stop", "stop") == 0)
    }

    @Test func suggestableCommandsAreTheVisibleOnes() {
        let names = Gob.suggestableNames
        for name in ["add", "cleanup", "list", "nuke", "overview", "ping", "remove", "restart", "signal", "start", "stop"] {
            #expect(names.contains(name), "\(name)")
            #expect(Gob.subcommand(named: name) != nil)
        }
        #expect(names == names.sorted(), "cobra lists commands alphabetically")
        #expect(!names.contains("daemon") && !names.contains("help"))
        #expect(Gob.subcommand(named: "daemon") != nil)
        #expect(Gob.subcommand(named: "help") == nil)
    }
}
