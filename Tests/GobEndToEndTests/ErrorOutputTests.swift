import Glibc
import Foundation
import GobProtocol
import Testing

/// Errors as a new user and a script see them: a usage mistake gets the usage hint, every
/// other error is one `Error: <message>` line; with `--json` the failure is also one JSON
/// object on stdout, with a machine-readable code; the exit status stays 1.
@Suite("Error output", .endToEnd, .timeLimit(.minutes(3)))
struct ErrorOutputTests {
    /// The `{"error":{"code","message"}}` object a failing `--json` command prints.
    static func jsonError(_ outcome: Outcome, sourceLocation: SourceLocation = #_sourceLocation) -> (code: String, message: String)? {
        guard let json = try? JSON(parsing: outcome.stdout), let error = json["error"],
              let code = error["code"]?.stringValue, let message = error["message"]?.stringValue
        else {
            Issue.record("no JSON error on stdout: \(outcome)", sourceLocation: sourceLocation)
            return nil
        }
        #expect(outcome.stderr.hasPrefix("Error: \(message)\n"), "the same message on stderr", sourceLocation: sourceLocation)
        return (code, message)
    }

    @Test func usageMistakesKeepTheHintRuntimeErrorsAreOneLine() async throws {
        try await Sandbox.run { sandbox async throws in
            CommandLineErrorTests.expectUsageError(try await sandbox.gob("stop"), "accepts 1 arg(s), received 0", command: "stop")
            CommandLineErrorTests.expectUsageError(try await sandbox.gob("list", "--bogus"), "unknown flag: --bogus", command: "list")
            #expect(!sandbox.runtimeDirectoryExists)
            CommandLineErrorTests.expectRuntimeError(try await sandbox.gob("stop", "k3v"), "job not found: k3v")
            CommandLineErrorTests.expectRuntimeError(try await sandbox.gob("start", ""), "job ID is empty (is the variable holding it set?)")
        }
    }

    @Test("codes with --json", arguments: [
        (["stop", "--json", "k3v"], "not_found", "job not found: k3v"),
        (["await", "--json", "k3v"], "not_found", "job not found: k3v"),
        (["stop", "--json"], "usage", "accepts 1 arg(s), received 0"),
        (["add", "--json", "--bogus", "x"], "usage", "unknown flag: --bogus"),
        (["signal", "--json", "k3v", "99"], "invalid_argument", "invalid signal: 99"),
        (["await", "--json", "--timeout", "-1", "k3v"], "invalid_argument", "invalid value \"-1\" for --timeout: must be 0 or more"),
        (["run", "--json", "sh -c 'echo"], "invalid_argument",
         "unterminated ' in the command (close it, or give the words as separate arguments)"),
    ])
    func codes(arguments: [String], code: String, message: String) async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob(arguments)
            #expect(outcome.status == 1, "\(outcome)")
            let error = Self.jsonError(outcome)
            #expect(error?.code == code && error?.message == message, "\(outcome)")
        }
    }

    @Test func withoutJSONNothingGoesToStdout() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob("stop", "k3v")
            #expect(outcome.stdout.isEmpty)
            // `--json` after the job's command belongs to the job, not to gob.
            let added = try await sandbox.gob("add", "nonexistent_command_xyz", "--json")
            #expect(added.status == 1 && added.stdout.isEmpty, "\(added)")
        }
    }

    @Test func anUnreachableDaemonHasItsOwnCode() async throws {
        try await Sandbox.run { sandbox async throws in
            // A runtime directory that cannot exist: a file stands where it should be.
            let blocker = try sandbox.makeDirectory() + "/file"
            #expect(FileManager.default.createFile(atPath: blocker, contents: Data()))
            let outcome = try await sandbox.gob(["list", "--json"], environment: ["XDG_RUNTIME_DIR": blocker])
            #expect(outcome.status != 0, "\(outcome)")
            #expect(Self.jsonError(outcome)?.code == "daemon_unavailable", "\(outcome)")
            #expect(outcome.stderr.split(separator: "\n").count == 1, "one line: \(outcome)")
        }
    }

    @Test func signalToAJobThatIsNotRunningIsRefusedByCode() async throws {
        try await Sandbox.run { sandbox async throws in
            // A daemon that answers every request with `not_running`, in words of its own:
            // the client words it from the code.
            #expect(mkdir(sandbox.paths.directory, 0o700) == 0)
            let fake = try FakeDaemon(socket: sandbox.paths.socket) { _ in
                #"{"success":false,"error":"whatever the daemon says","code":"not_running"}"#
            }
            defer { fake.stop() }
            let outcome = try await sandbox.gob("signal", "k3v", "TERM")
            CommandLineErrorTests.expectRuntimeError(outcome, "job k3v is not running (start it with: gob start k3v)")
            let json = try await sandbox.gob("signal", "--json", "k3v", "HUP")
            #expect(json.status == 1)
            #expect(Self.jsonError(json)?.code == "not_running")
            // Another command shows the daemon's message as it is, with the code.
            let stop = try await sandbox.gob("stop", "--json", "k3v")
            #expect(Self.jsonError(stop)?.message == "whatever the daemon says")
            #expect(Self.jsonError(stop)?.code == "not_running")
        }
    }
}
