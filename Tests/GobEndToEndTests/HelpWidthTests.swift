import ArgumentParser
@testable import GobCommands
import GobProtocol
import GobTUI
import Testing

/// Every help text reads correctly in an 80-column terminal: no line is wider, and no
/// example, output sample or table (the indented lines of a long description) is
/// broken across lines by the wrapping that prose paragraphs get. Help is ASCII, because
/// the manual generator (`swift package generate-manual`) drops every other character.
@Suite("Help at 80 columns", .endToEnd, .timeLimit(.minutes(3)))
struct HelpWidthTests {
    static let names = [""] + Gob.configuration.subcommands.compactMap { $0.configuration.commandName }

    /// The lines of a long description that must not be wrapped: indented ones, before
    /// the usage line, as the help shows them when nothing is wrapped.
    static func preformattedLines(of name: String) throws -> [String] {
        let command: any ParsableCommand.Type = name.isEmpty ? Gob.self : try #require(Gob.subcommand(named: name))
        let wide = name.isEmpty ? Gob.helpMessage(columns: 10_000) : Gob.helpMessage(for: command, columns: 10_000)
        var lines: [String] = []
        for line in wide.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("USAGE:") { break }
            if line.hasPrefix("  ") { lines.append(String(line.reversed().drop { $0 == " " }.reversed())) }
        }
        return lines
    }

    @Test("fits", arguments: names)
    func fits(name: String) async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob(name.isEmpty ? ["--help"] : [name, "--help"], environment: ["COLUMNS": "80"])
            #expect(outcome.status == 0, "\(outcome)")
            let lines = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for line in lines {
                #expect(DisplayWidth.of(line) <= 80, "gob \(name) --help: \(DisplayWidth.of(line)) columns: \(line)")
            }
            let ascii = outcome.stdout.unicodeScalars.allSatisfy { $0.isASCII }
            #expect(ascii, "gob \(name) --help is not ASCII")
            let shown = Set(lines.map { String($0.reversed().drop { $0 == " " }.reversed()) })
            for line in try Self.preformattedLines(of: name) {
                #expect(shown.contains(line), "gob \(name) --help wraps an indented line: \(line)")
            }
        }
    }

    @Test func theManualGeneratorGetsEveryCommand() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob("--experimental-dump-help")
            #expect(outcome.status == 0, "\(outcome)")
            let dump = try JSON(parsing: outcome.stdout)
            #expect(dump["command"]?["commandName"]?.stringValue == "gob")
            let names = (dump["command"]?["subcommands"]?.arrayValue ?? []).compactMap { $0["commandName"]?.stringValue }
            for name in Self.names where !name.isEmpty { #expect(names.contains(name), "\(name) missing from the manual") }
            #expect(!sandbox.runtimeDirectoryExists)
        }
    }

    @Test func helpOfHelpAndErrorsFit() async throws {
        try await Sandbox.run { sandbox async throws in
            var texts = [try await sandbox.gob("help", "help").stdout]
            for name in Self.names where !name.isEmpty {
                // A usage mistake prints the command's usage block.
                texts.append(try await sandbox.gob([name, "--bogus-flag"], environment: ["COLUMNS": "80"]).stderr)
            }
            for text in texts {
                for line in text.split(separator: "\n") {
                    #expect(DisplayWidth.of(String(line)) <= 80, "\(DisplayWidth.of(String(line))) columns: \(line)")
                }
            }
        }
    }
}
