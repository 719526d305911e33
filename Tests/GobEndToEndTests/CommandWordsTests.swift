import Foundation
import GobProtocol
import Testing

/// Commands as people type them: one string with spaces is split as a POSIX shell would
/// (quotes, backslashes, no expansion), and every command gob shows is quoted so it can
/// be pasted back.
@Suite("Commands as typed and shown", .endToEnd, .timeLimit(.minutes(3)))
struct CommandWordsTests {
    @Test func oneStringIsSplitLikeAShellWould() async throws {
        try await Sandbox.run { sandbox async throws in
            let added = try await sandbox.gob("add", "sh -c 'echo a  b; echo \"$0\"' \"x y\"")
            #expect(added.status == 0, "\(added)")
            let id = String(added.stdout.dropFirst("Added job ".count).prefix { $0 != " " })
            #expect(added.stdout == "Added job \(id) running: sh -c 'echo a  b; echo \"$0\"' 'x y'\n")
            let job = try await sandbox.waitUntilStopped(id)
            #expect(job.command == ["sh", "-c", "echo a  b; echo \"$0\"", "x y"])
            #expect(sandbox.stdoutLog(id) == "a b\nx y\n", "it runs what it shows")
            let listed = try await sandbox.gob("list")
            #expect(listed.stdout.hasSuffix(" stopped: sh -c 'echo a  b; echo \"$0\"' 'x y'\n"), "\(listed)")

            let run = try await sandbox.gob("run", "printf '%s|' 'one two' three\\ four")
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.contains("] one two|three four|\n"), "\(run)")
            #expect(run.stdout.hasPrefix("Added job "), "\(run)")
            #expect(run.stdout.contains(" running: printf '%s|' 'one two' 'three four'\n"), "\(run)")
        }
    }

    @Test func separateArgumentsAreTakenAsTheyAre() async throws {
        try await Sandbox.run { sandbox async throws in
            let added = try await sandbox.gob("add", "printf", "%s\\n", "it's", "$HOME", "")
            #expect(added.status == 0, "\(added)")
            #expect(added.stdout.hasSuffix(#" running: printf '%s\n' "it's" '$HOME' ''"# + "\n"), "\(added)")
            let jobs = try await sandbox.listedJobs()
            #expect(jobs.first?.command == ["printf", "%s\\n", "it's", "$HOME", ""])
        }
    }

    @Test("refused, and no job is made", arguments: [
        ("sh -c 'echo", "unterminated ' in the command (close it, or give the words as separate arguments)"),
        ("echo \"a b", "unterminated \" in the command (close it, or give the words as separate arguments)"),
        ("make && make test", "the command uses shell syntax (&&), but gob runs commands without a shell; to use a shell, run it: sh -c '…'"),
        ("npm run dev > out.log", "the command uses shell syntax (>), but gob runs commands without a shell; to use a shell, run it: sh -c '…'"),
        ("echo $HOME", "the command uses shell syntax ($HOME), but gob runs commands without a shell; to use a shell, run it: sh -c '…'"),
    ])
    func refused(text: String, message: String) async throws {
        try await Sandbox.run { sandbox async throws in
            for command in ["add", "run"] {
                CommandLineErrorTests.expectRuntimeError(try await sandbox.gob(command, text), message)
            }
            #expect(!sandbox.runtimeDirectoryExists, "refused before the daemon is asked")
        }
    }

    @Test func aBlankStringIsNoCommand() async throws {
        try await Sandbox.run { sandbox async throws in
            CommandLineErrorTests.expectUsageError(try await sandbox.gob("add", "  "), "requires at least 1 arg(s), only received 0", command: "add")
            CommandLineErrorTests.expectUsageError(try await sandbox.gob("run", "  "), "requires at least 1 arg(s)", command: "run")
        }
    }

    @Test func controlCharactersAreShownAsEscapes() async throws {
        try await Sandbox.run { sandbox async throws in
            let added = try await sandbox.gob("add", "printf", "a\nb\u{1B}[2J")
            #expect(added.stdout.hasSuffix(#" running: printf $'a\nb\e[2J'"# + "\n"), "\(added)")
            let listed = try await sandbox.gob("list")
            #expect(listed.stdout.contains(#": printf $'a\nb\e[2J'"#), "no raw escape reaches the terminal: \(listed)")
        }
    }
}
