import GobProtocol
import Testing

/// Commands that take no positional argument refuse one, with one line and exit status 1,
/// before doing anything: `gob nuke V3x0QqI` used to ignore the ID and remove every job
/// of the directory, `gob events extra` to stream forever.
@Suite("No silent extra arguments", .endToEnd, .timeLimit(.minutes(3)))
struct StrictArgumentsTests {
    @Test("refused before the daemon is contacted", arguments: [
        (["list", "foo"], "\"gob list\" takes no arguments (got foo)"),
        (["list", "--all", "a b"], "\"gob list\" takes no arguments (got 'a b')"),
        (["events", "extra"], "\"gob events\" takes no arguments (got extra)"),
        (["events", "--all", "x"], "\"gob events\" takes no arguments (got x)"),
        (["ping", "x"], "\"gob ping\" takes no arguments (got x)"),
        (["status", "x"], "\"gob status\" takes no arguments (got x)"),
        (["tui", "x"], "\"gob tui\" takes no arguments (got x)"),
        (["overview", "x"], "\"gob overview\" takes no arguments (got x)"),
        (["logs", "k3v"], "\"gob logs\" takes no job ID (follow one job with: gob stdout -f k3v)"),
        (["nuke", "V3x0QqI"], "\"gob nuke\" takes no job ID (stop one job with: gob stop V3x0QqI)"),
        (["cleanup", "k3v"], "\"gob cleanup\" takes no job ID (remove one stopped job with: gob remove k3v)"),
    ])
    func refused(arguments: [String], message: String) async throws {
        try await Sandbox.run { sandbox async throws in
            CommandLineErrorTests.expectRuntimeError(try await sandbox.gob(arguments), message)
            #expect(!sandbox.runtimeDirectoryExists, "nothing was done, not even starting the daemon")
        }
    }

    @Test func nukeAndCleanupWithAnIDTouchNoJob() async throws {
        try await Sandbox.run { sandbox async throws in
            let (running, _) = try await sandbox.addJob("sleep", "300")
            let (done, _) = try await sandbox.addJob("true")
            _ = try await sandbox.waitUntilStopped(done)
            for arguments in [["nuke", running], ["nuke", "--all", running], ["cleanup", done], ["cleanup", "-a", done]] {
                let outcome = try await sandbox.gob(arguments)
                #expect(outcome.status == 1, "\(outcome)")
                #expect(outcome.stderr.split(separator: "\n").count == 1, "\(outcome)")
            }
            let jobs = try await sandbox.listedJobs()
            #expect(Set(jobs.map(\.id)) == [running, done])
            #expect(jobs.first { $0.id == running }?.status == .running)
        }
    }

    @Test func listWithAnArgumentListsNothing() async throws {
        try await Sandbox.run { sandbox async throws in
            try await sandbox.addJob("sleep", "300")
            let outcome = try await sandbox.gob("list", "--json", "extra")
            #expect(outcome.status == 1)
            #expect(try JSON(parsing: outcome.stdout)["error"]?["code"]?.stringValue == "invalid_argument", "\(outcome)")
            #expect(outcome.stderr == "Error: \"gob list\" takes no arguments (got extra)\n")
        }
    }
}
