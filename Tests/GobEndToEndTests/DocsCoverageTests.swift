import ArgumentParser
import Foundation
@testable import GobCommands
import GobProtocol
import Testing

/// The documentation in `docs/` and the README follow the code: every command and every
/// flag it accepts is in `docs/commands.md`, every error code in `docs/exit-codes.md`,
/// and nothing there points outside the repository.
@Suite("Docs follow the code")
struct DocsCoverageTests {
    /// The repository's root, from this file's place in it.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The part of `docs/commands.md` about `gob <name>`: from its heading to the next.
    static func section(of name: String, in text: String) -> Substring? {
        guard let start = text.range(of: "### `gob \(name)") ?? text.range(of: ", `gob \(name)") else { return nil }
        let rest = text[start.upperBound...]
        let end = rest.range(of: "\n### ")?.lowerBound ?? rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        return rest[..<end]
    }

    @Test func everyCommandAndFlagIsInTheCommandsPage() throws {
        let text = try Self.read("docs/commands.md")
        for command in HelpCoverageTests.userCommands {
            let name = try #require(command.configuration.commandName)
            guard ["overview", "completion"].contains(name) == false else {
                #expect(text.contains("`gob \(name)"), "\(name)")
                continue
            }
            let section = try #require(Self.section(of: name, in: text), "docs/commands.md has no section for gob \(name)")
            for flag in try HelpCoverageTests.flags(of: command) {
                for spelling in flag.names where spelling != "-h" && spelling != "--help" {
                    #expect(section.contains(spelling), "docs/commands.md: gob \(name) does not mention \(spelling)")
                }
            }
        }
    }

    @Test func everyErrorCodeIsListed() throws {
        let text = try Self.read("docs/exit-codes.md")
        for code in ErrorCode.allCases {
            #expect(text.contains("| `\(code.rawValue)` |"), "docs/exit-codes.md does not list \(code.rawValue)")
        }
        for status in ["| 0 |", "| 1 |", "| 124 |", "| 125 |", "| 130 |", "| 128+N |"] {
            #expect(text.contains(status), "docs/exit-codes.md does not explain \(status)")
        }
    }

    @Test("stands alone in a clone", arguments: [
        "README.md", "docs/commands.md", "docs/output.md", "docs/exit-codes.md", "docs/files.md", "docs/performance.md",
        "docs/processes.md",
        "docs/gobfile.md",
    ])
    func standsAlone(path: String) throws {
        let text = try Self.read(path)
        for outside in ["../shared", "cli-contract", "the reference", "Decision D", "issue 1", "issue 6", "§"] {
            #expect(!text.contains(outside), "\(path) mentions \(outside)")
        }
        // Every relative link points at a file of the repository.
        for line in text.split(separator: "\n") {
            var rest = line[...]
            while let open = rest.range(of: "](") {
                let target = rest[open.upperBound...].prefix { $0 != ")" && $0 != "#" }
                rest = rest[open.upperBound...]
                guard !target.hasPrefix("http"), !target.isEmpty else { continue }
                let base = (path as NSString).deletingLastPathComponent
                let resolved = Self.root.appendingPathComponent(base).appendingPathComponent(String(target)).path
                #expect(FileManager.default.fileExists(atPath: resolved), "\(path) links to \(target), which is missing")
            }
        }
    }
}
