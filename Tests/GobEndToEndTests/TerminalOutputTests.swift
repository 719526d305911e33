import Foundation
import GobProtocol
import Testing

/// What gob prints when its stdout is a terminal: `script(1)` gives it a pseudo-terminal
/// of a chosen width. `list` cuts long commands to the width; `run`, `await` and the
/// `-f` follows keep a job's colours but drop what a terminal would obey (titles, cursor
/// moves, clipboard writes) and show invalid UTF-8 as U+FFFD.
@Suite("Output on a terminal", .enabled(if: Sandbox.installedProgram("script") != nil, "script(1) is not installed"),
       .endToEnd, .timeLimit(.minutes(3)))
struct TerminalOutputTests {
    static let script = Sandbox.installedProgram("script")

    /// Runs `command` (a shell line; `gob` is first on `PATH`) in a pseudo-terminal
    /// `columns` wide; returns what the terminal received, line feeds without `\r`.
    static func inTerminal(_ sandbox: Sandbox, _ command: String, columns: Int = 60) async throws -> Outcome {
        let script = try #require(Self.script)
        var outcome = try await sandbox.runProgram(script, ["-qec", "stty cols \(columns) rows 20; \(command)", "/dev/null"])
        outcome.stdout = outcome.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        return outcome
    }

    @Test func listCutsLongCommandsToTheWidth() async throws {
        try await Sandbox.run { sandbox async throws in
            let long = "sleep 300; : " + String(repeating: "x", count: 80)
            let (id, pid) = try await sandbox.addJob("sh", "-c", long)
            let shown = try await Self.inTerminal(sandbox, "LANG=C.UTF-8 NO_COLOR=1 gob list")
            #expect(shown.status == 0, "\(shown)")
            let line = "\(id): [\(pid)] running: "
            let expected = line + String(("sh -c '" + long + "'").prefix(60 - line.count - 1)) + "…\n"
            #expect(shown.stdout == expected, "\(shown)")
            let piped = try await sandbox.gob("list")
            #expect(piped.stdout == line + "sh -c '" + long + "'\n", "not a terminal: the whole command")
        }
    }

    @Test func listColoursTheFailureMark() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("false")
            _ = try await sandbox.waitUntilStopped(id)
            let shown = try await Self.inTerminal(sandbox, "unset NO_COLOR; LANG=C.UTF-8 gob list")
            #expect(shown.stdout.hasSuffix(" stopped: false  \u{1B}[31m✗ exit 1\u{1B}[0m\n"), "\(shown)")
            let plain = try await Self.inTerminal(sandbox, "LANG=C.UTF-8 NO_COLOR=1 gob list")
            #expect(plain.stdout.hasSuffix(" stopped: false  ✗ exit 1\n"), "\(plain)")
        }
    }

    /// A job whose output carries a window title, a screen clear, a colour, and bytes
    /// that are not UTF-8.
    static let hostile = #"printf 'a\033]0;evil title\007b \033[2Jc \033[31mred\033[0m \377\376 end\n'"#

    @Test func runAndFollowsMakeJobOutputHarmless() async throws {
        try await Sandbox.run { sandbox async throws in
            let shown = try await Self.inTerminal(sandbox, "unset NO_COLOR; gob run sh -c \"\(Self.hostile)\"")
            #expect(shown.status == 0, "\(shown)")
            let output = shown.stdout.split(separator: "\n").dropFirst().joined(separator: "\n")
            #expect(output.contains("] ab c \u{1B}[31mred\u{1B}[0m \u{FFFD}\u{FFFD} end\n"), "\(shown)")
            #expect(!output.contains("evil") && !output.contains("\u{1B}[2J"), "\(shown)")
            #expect(shown.stdout.hasPrefix("Added job ") && shown.stdout.contains(#"running: sh -c 'printf '\''a\033]0;evil"#),
                    "the command line shows the escapes as text: \(shown)")

            let id = try #require(shown.stdout.split(separator: " ").dropFirst(2).first.map(String.init))
            let awaited = try await Self.inTerminal(sandbox, "NO_COLOR=1 gob await \(id)")
            #expect(awaited.stdout.contains("] ab c red \u{FFFD}\u{FFFD} end\n"), "NO_COLOR drops the job's colours too: \(awaited)")

            // Not a terminal: the bytes go through as they are, for scripts and files.
            let piped = try sandbox.start(["start", "-f", id])
            #expect(try await piped.finish().status == 0)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: piped.stdoutPath))
            #expect(bytes.firstRange(of: Data("\u{1B}]0;evil title".utf8)) != nil)
            #expect(bytes.firstRange(of: Data([0xFF, 0xFE])) != nil)
        }
    }

    @Test func stdoutStaysByteForByte() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("printf", "a\u{1B}]0;title\u{07}b\n")
            _ = try await sandbox.waitUntilStopped(id)
            let shown = try await Self.inTerminal(sandbox, "gob stdout \(id)")
            #expect(shown.stdout == "a\u{1B}]0;title\u{07}b\n", "gob stdout copies the log as it is: \(shown)")
        }
    }
}
