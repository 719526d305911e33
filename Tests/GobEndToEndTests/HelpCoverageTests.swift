import ArgumentParser
@testable import GobCommands
import GobProtocol
import Testing

/// Help texts kept true to the command definitions: every flag a command
/// accepts appears, with its description, in its `--help`; every user-facing command has
/// examples and documents its exit status; the overview card and the root help list
/// every user-facing command.
@Suite("Help coverage", .endToEnd, .timeLimit(.minutes(3)))
struct HelpCoverageTests {
    /// A visible flag or option as the parser defines it.
    struct Flag {
        var names: [String]
        var abstract: String
    }

    /// Every command the user can call (hidden ones such as `daemon` excluded).
    static let userCommands: [any ParsableCommand.Type] = Gob.configuration.subcommands.filter { $0.configuration.shouldDisplay }

    static var userCommandNames: [String] { userCommands.compactMap { $0.configuration.commandName } }

    /// The visible flags and options of `command`, read from its definition.
    static func flags(of command: any ParsableCommand.Type) throws -> [Flag] {
        let description = try JSON(parsing: command._dumpHelp())
        return (description["command"]?["arguments"]?.arrayValue ?? []).compactMap { argument in
            let kind = argument["kind"]?.stringValue
            guard kind == "flag" || kind == "option", argument["shouldDisplay"]?.boolValue != false else { return nil }
            let names = (argument["names"]?.arrayValue ?? []).compactMap { name -> String? in
                guard let text = name["name"]?.stringValue else { return nil }
                return name["kind"]?.stringValue == "long" ? "--" + text : "-" + text
            }
            return Flag(names: names, abstract: argument["abstract"]?.stringValue ?? "")
        }
    }

    /// Text with every run of whitespace made one space, so wrapped help still matches.
    static func flattened(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
    }

    @Test("every flag in the command's --help", arguments: userCommandNames + [""])
    func everyFlagIsDocumented(name: String) async throws {
        let command: any ParsableCommand.Type = name.isEmpty ? Gob.self : try #require(Gob.subcommand(named: name))
        let flags = try Self.flags(of: command)
        // Every command has at least its help flag: none read means the dump changed shape.
        #expect(flags.contains { $0.names.contains("--help") }, "\(name): no flags read from the definition")
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob(name.isEmpty ? ["--help"] : [name, "--help"])
            #expect(outcome.status == 0, "\(outcome)")
            let help = Self.flattened(outcome.stdout)
            for flag in flags {
                #expect(!flag.abstract.isEmpty, "\(name) \(flag.names): a flag without a description")
                #expect(help.contains(Self.flattened(flag.abstract)), "\(name) \(flag.names): description missing from --help")
                for spelling in flag.names {
                    #expect(help.contains(spelling), "\(name): \(spelling) missing from --help")
                    // Mentioned in the long text or the usage line too, not only in the flag list.
                    #expect(help.components(separatedBy: spelling).count >= 2, "\(name) \(spelling)")
                }
            }
            if !name.isEmpty {
                #expect(outcome.stdout.contains("Examples:"), "\(name): examples")
                if name != "overview" { #expect(help.contains("Exit status"), "\(name): exit status") }
            }
        }
    }

    @Test func everyFlagTheParserAcceptsIsVisible() throws {
        // A flag hidden from help must be one of the known internal ones.
        #expect(Self.userCommands.count > 10, "the user commands are read from the root command")
        var checked = 0
        for command in Self.userCommands {
            let table = FlagTable(of: command)
            let visible = Set(try Self.flags(of: command).flatMap(\.names))
            for entry in table.entries {
                let spellings = [entry.long.map { "--" + $0 }, entry.short.map { "-" + String($0) }].compactMap { $0 }
                for spelling in spellings where spelling != "-h" && spelling != "--help" {
                    #expect(visible.contains(spelling), "\(command.configuration.commandName ?? "?") accepts \(spelling) without showing it")
                    checked += 1
                }
            }
        }
        #expect(checked > 10, "the parser's flag tables were read")
    }

    @Test func overviewAndRootHelpListEveryUserCommand() async throws {
        try await Sandbox.run { sandbox async throws in
            let overview = try await sandbox.gob("overview")
            let rootHelp = try await sandbox.gob("--help")
            for name in Self.userCommandNames {
                #expect(overview.stdout.contains("gob \(name)"), "overview misses \(name)")
                #expect(rootHelp.stdout.contains("\n  \(name) "), "root help misses \(name)")
            }
            #expect(!overview.stdout.contains("gob daemon"))
            for flag in ["--json", "-q", "--description", "--tail", "--timeout", "--any"] {
                #expect(overview.stdout.contains(flag), "the card's agent section mentions \(flag)")
            }
            #expect(!sandbox.runtimeDirectoryExists, "neither touches the daemon")
        }
    }
}
