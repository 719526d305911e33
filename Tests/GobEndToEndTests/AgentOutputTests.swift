import Glibc
import Foundation
import GobProtocol
import Testing

/// What scripts and agents read: `--json` on every job command, `add -q`, and
/// job descriptions in `list`.
@Suite("Machine-readable output", .endToEnd, .timeLimit(.minutes(3)))
struct AgentOutputTests {
    /// The keys of a job's `--json` object: the whole wire object, every field of the one
    /// definition in its order, so a field that reaches no `--json` fails here.
    static let jobKeys = JobField.allCases.map(\.key)

    /// Parses an outcome's stdout as exactly one job object.
    static func job(_ outcome: Outcome, sourceLocation: SourceLocation = #_sourceLocation) throws -> JobSnapshot {
        let json = try JSON(parsing: outcome.stdout)
        guard case let .object(members) = json else {
            Issue.record("not an object: \(outcome)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        #expect(members.map(\.0) == jobKeys, sourceLocation: sourceLocation)
        #expect(outcome.stdout.hasSuffix("}\n"), sourceLocation: sourceLocation)
        return try #require(JobSnapshot(json: json), sourceLocation: sourceLocation)
    }

    @Test func addQuietPrintsOnlyTheID() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.gob("add", "-q", "sleep", "300")
            #expect(outcome.status == 0)
            let id = String(outcome.stdout.dropLast())
            #expect(outcome.stdout == "\(id)\n")
            #expect(try await sandbox.listedJobs().map(\.id) == [id])
            let long = try await sandbox.gob("add", "--quiet", "--", "sleep", "301")
            #expect(long.stdout.count == 4 && long.stdout.hasSuffix("\n"))
        }
    }

    @Test func jsonOnEveryJobCommand() async throws {
        try await Sandbox.run { sandbox async throws in
            let added = try Self.job(try await sandbox.gob("add", "--json", "-d", "for agents", "sleep", "300"))
            #expect(added.status == .running && added.command == ["sleep", "300"] && added.description == "for agents")
            #expect(added.stdoutPath == sandbox.paths.stdoutLog(added.id) && added.startedAt != nil)
            #expect(added.runTimeMilliseconds == nil && added.endedAt == nil)

            let signalled = try Self.job(try await sandbox.gob("signal", "--json", added.id, "CONT"))
            #expect(signalled.id == added.id && signalled.status == .running)

            let stopped = try Self.job(try await sandbox.gob("stop", "--json", added.id))
            #expect(stopped.status == .stopped && stopped.signal == "SIGTERM" && stopped.exitCode == nil)
            #expect(stopped.runTimeMilliseconds != nil && stopped.endedAt != nil)

            let started = try Self.job(try await sandbox.gob("start", "--json", added.id))
            #expect(started.status == .running && started.pid != added.pid)
            let restarted = try Self.job(try await sandbox.gob("restart", "--json", added.id))
            #expect(restarted.status == .running && restarted.pid != started.pid)

            #expect(try await sandbox.gob("stop", "-f", added.id).status == 0)
            _ = try await sandbox.waitUntilStopped(added.id)
            let removed = try Self.job(try await sandbox.gob("remove", "--json", added.id))
            #expect(removed.id == added.id && removed.status == .stopped && removed.signal == "SIGKILL")
            #expect(try await sandbox.listedJobs().isEmpty)
        }
    }

    @Test func jsonFollowsWaitSilentlyAndExitWithTheJobsCode() async throws {
        try await Sandbox.run { sandbox async throws in
            let run = try await sandbox.gob("run", "--json", "sh", "-c", "echo hidden; exit 3")
            #expect(run.status == 3, "\(run)")
            let ran = try Self.job(run)
            #expect(ran.status == .stopped && ran.exitCode == 3 && ran.runTimeMilliseconds != nil)
            #expect(!run.stdout.contains("] hidden"), "no output streamed")

            let add = try await sandbox.gob("add", "-f", "--json", "sh", "-c", "echo hidden; kill -TERM $$")
            #expect(add.status == 128 + SIGTERM)
            #expect(try Self.job(add).signal == "SIGTERM")

            let start = try await sandbox.gob("start", "-f", "--json", ran.id)
            #expect(start.status == 3)
            #expect(try Self.job(start).exitCode == 3)
            let restart = try await sandbox.gob("restart", "--follow", "--json", ran.id)
            #expect(restart.status == 3)
            #expect(try Self.job(restart).id == ran.id)
        }
    }

    @Test func jsonErrorsStayTextOnStderr() async throws {
        try await Sandbox.run { sandbox async throws in
            for arguments in [["stop", "--json", "NoSuchJ"], ["start", "--json", "NoSuchJ"], ["restart", "--json", "NoSuchJ"],
                              ["remove", "--json", "NoSuchJ"], ["signal", "--json", "NoSuchJ", "TERM"], ["await", "--json", "NoSuchJ"]] {
                let outcome = try await sandbox.gob(arguments)
                #expect(outcome.status == 1, "\(outcome)")
                #expect(outcome.stderr == "Error: job not found: NoSuchJ\n", "\(outcome)")
                let error = try JSON(parsing: outcome.stdout)
                #expect(error == .object([("error", .object([
                    ("code", .string("not_found")), ("message", .string("job not found: NoSuchJ")),
                ]))]), "\(outcome)")
            }
            for arguments in [["add", "--json", "nonexistent_command_xyz"], ["run", "--json", "nonexistent_command_xyz"]] {
                let failed = try await sandbox.gob(arguments)
                #expect(failed.status == 1, "\(failed)")
                #expect(failed.stderr.hasPrefix("Error: failed to add job: ") && failed.stderr.split(separator: "\n").count == 1)
                let error = try JSON(parsing: failed.stdout)
                #expect(error["error"]?["code"]?.stringValue == "spawn_failed", "\(failed)")
                #expect("Error: " + (error["error"]?["message"]?.stringValue ?? "") + "\n" == failed.stderr)
            }
            let failed = try await sandbox.gob("add", "--json", "nonexistent_command_xyz")
            #expect(failed.status == 1)
            #expect(failed.stderr == "Error: failed to add job: cannot start \"nonexistent_command_xyz\": no such file\n", "\(failed)")
        }
    }

    @Test func descriptionsInListAndJSON() async throws {
        try await Sandbox.run { sandbox async throws in
            let plain = try await sandbox.gob("add", "-q", "sleep", "300")
            let described = try await sandbox.gob("add", "-q", "--description", "web UI on :5173", "sleep", "301")
            let (plainID, describedID) = (String(plain.stdout.dropLast()), String(described.stdout.dropLast()))
            let jobs = try await sandbox.listedJobs()
            let pids = Dictionary(uniqueKeysWithValues: jobs.map { ($0.id, $0.pid) })
            let list = try await sandbox.gob("list")
            #expect(list.stdout == """
                \(describedID): [\(pids[describedID] ?? 0)] running: sleep 301
                    web UI on :5173
                \(plainID): [\(pids[plainID] ?? 0)] running: sleep 300

                """)
            let wide = try await sandbox.gob("list", "--all")
            #expect(wide.stdout.contains("running (\(sandbox.workdir)): sleep 301\n    web UI on :5173\n"))
            #expect(jobs.first { $0.id == describedID }?.description == "web UI on :5173")
            #expect(jobs.first { $0.id == plainID }?.description == nil)

            CommandLineErrorTests.expectRuntimeError(
                try await sandbox.gob("add", "-d", "two\nlines", "true"),
                "invalid value for --description: it must be one line of text, without control characters")
        }
    }

    @Test func runKeepsAReusedJobsDescriptionUnlessGivenANewOne() async throws {
        try await Sandbox.run { sandbox async throws in
            let first = try Self.job(try await sandbox.gob("run", "--json", "-d", "the first", "true"))
            #expect(first.description == "the first")
            let kept = try Self.job(try await sandbox.gob("run", "--json", "true"))
            #expect(kept.id == first.id && kept.description == "the first")
            let replaced = try Self.job(try await sandbox.gob("run", "-d", "the second", "--json", "true"))
            #expect(replaced.id == first.id && replaced.description == "the second")
            let text = try await sandbox.gob("run", "--description", "shown", "echo", "-d", "x")
            #expect(text.stdout.contains("] -d x\n"), "options after the command are the job's: \(text)")
            #expect(try await sandbox.listedJobs().first { $0.command == ["echo", "-d", "x"] }?.description == "shown")
        }
    }
}
