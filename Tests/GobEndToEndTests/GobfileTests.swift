import Foundation
import GobProtocol
import Testing

/// A project's gobfile end to end: `gob up` and `gob down` from the project and from a
/// subdirectory, every entry key, idempotence, blocked commands on every start path, and
/// every bad file.
@Suite("Gobfile, up and down", .endToEnd, .timeLimit(.minutes(3)))
struct GobfileEndToEndTests {
    /// A project directory (a repository root, so the search stops there) with `toml` as
    /// its gobfile and a subdirectory `sub`.
    static func project(_ sandbox: Sandbox, _ toml: String) throws -> String {
        let root = try sandbox.makeDirectory()
        for directory in [".git", ".config", "sub/deeper"] {
            try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        try write(toml, in: root)
        return root
    }

    static func write(_ toml: String, in root: String) throws {
        try toml.write(toFile: root + "/.config/gobfile.toml", atomically: true, encoding: .utf8)
    }

    /// The `(name, id, rest)` of each `gob up`/`gob down` line.
    static func rows(_ outcome: Outcome) -> [(name: String, id: String?, rest: String)] {
        outcome.stdout.split(separator: "\n").map { line in
            let fields = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            let name = String(fields.first ?? "")
            let rest = fields.count > 1 ? String(fields[1]).trimmingCharacters(in: .whitespaces) : ""
            let words = rest.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if let first = words.first, first.count == 3, words.count == 2, rest.dropFirst(3).hasPrefix("  ") {
                return (name, String(first), String(words[1]).trimmingCharacters(in: .whitespaces))
            }
            return (name, nil, rest)
        }
    }

    static let projectFile = """
        [[job]]
        name = "web"
        command = "sh -c 'echo booting; sleep 0.2; echo \\"mode=$MODE\\"; exec sleep 300'"
        description = "web UI on :5173"
        autostart = true
        env = { MODE = "dev" }
        ready_log = "^mode=dev$"
        ready_timeout = "30s"

        [[job]]
        name = "worker"
        command = ["sleep", "300"]
        autostart = true
        dir = "sub/deeper"

        [[job]]
        name = "manual"
        command = "sleep 299"

        [[job]]
        command = "sleep 298"
        description = "never by hand"
        blocked = true
        autostart = true
        """

    @Test("up from a subdirectory starts the autostart entries with every key; up again changes nothing; up NAME; down")
    func upAndDown() async throws {
        try await Sandbox.run { sandbox async throws in
            let root = try Self.project(sandbox, Self.projectFile)
            let dry = try await sandbox.gob("up", "--dry-run", in: root + "/sub")
            #expect(dry.status == 0, "\(dry)")
            #expect(dry.stdout.contains("web     would start: sh -c"), "\(dry)")
            #expect(dry.stdout.contains("worker  would start: sleep 300 (in \(root)/sub/deeper)"), "\(dry)")
            #expect(try await sandbox.listedJobs().isEmpty, "a dry run starts nothing")

            let up = try await sandbox.gob("up", in: root + "/sub")
            #expect(up.status == 0, "\(up)")
            let rows = Self.rows(up)
            #expect(rows.map(\.name) == ["web", "worker"], "\(up)")
            #expect(rows[0].rest.hasPrefix("ready after "), "\(up)")
            #expect(rows[1].rest == "running", "\(up)")
            #expect(up.stdout.hasPrefix("web     "), "names in one column: \(up)")
            let webID = try #require(rows[0].id)
            let workerID = try #require(rows[1].id)

            let jobs = try await sandbox.listedJobs()
            #expect(jobs.count == 2, "neither the manual nor the blocked entry started: \(jobs)")
            let web = try #require(jobs.first { $0.id == webID })
            #expect(web.workdir == OSString(root) && web.description == "web UI on :5173" && web.gobfileName == "web")
            #expect(web.readiness == "ready" && web.readyLog == "^mode=dev$" && web.readyTimeoutMilliseconds == 30_000,
                    "the entry's env reached the job: it printed mode=dev")
            let worker = try #require(jobs.first { $0.id == workerID })
            #expect(worker.workdir == OSString(root + "/sub/deeper") && worker.command == ["sleep", "300"])
            #expect(worker.gobfileName == "worker" && worker.status == .running)

            // Idempotent: from the project root, the same jobs, nothing new.
            let again = try await sandbox.gob("up", in: root)
            #expect(again.status == 0, "\(again)")
            #expect(Self.rows(again).map { "\($0.name) \($0.id ?? "-") \($0.rest)" }
                == ["web \(webID) already running", "worker \(workerID) already running"], "\(again)")
            #expect(try await sandbox.listedJobs().count == 2)

            // By name, whatever autostart says; with --json.
            let manual = try await sandbox.gob("up", "--json", "manual", in: root + "/sub/deeper")
            #expect(manual.status == 0, "\(manual)")
            let object = try JSON(parsing: manual.stdout)
            let entry = try #require(object["entries"]?.arrayValue?.first)
            #expect(entry["name"]?.stringValue == "manual" && entry["state"]?.stringValue == "running", "\(manual)")
            let manualJob = try #require(entry["job"].flatMap(JobSnapshot.init(json:)))
            #expect(manualJob.command == ["sleep", "299"] && manualJob.gobfileName == "manual")
            #expect(object["exit_code"]?.intValue == 0)

            // A job started by hand with the worker's command is no job of the file.
            let (handID, _) = try await sandbox.addJob("sleep", "300", in: root + "/sub/deeper")

            let downWorker = try await sandbox.gob("down", "worker", in: root)
            #expect(downWorker.status == 0, "\(downWorker)")
            #expect(downWorker.stdout == "worker  \(workerID)  stopped\n", "\(downWorker)")
            #expect(try await sandbox.listedJob(workerID)?.status == .stopped)
            #expect(try await sandbox.listedJob(webID)?.status == .running)

            let down = try await sandbox.gob("down", in: root + "/sub")
            #expect(down.status == 0, "\(down)")
            #expect(down.stdout == "web     \(webID)  stopped\nworker  not running\nmanual  \(manualJob.id)  stopped\n", "\(down)")
            let after = try await sandbox.listedJobs()
            #expect(after.filter { $0.status == .running }.map(\.id) == [handID], "only the hand-started job runs: \(after)")

            // Up again brings the same jobs back under their IDs.
            let back = try await sandbox.gob("up", in: root)
            #expect(back.status == 0, "\(back)")
            #expect(Self.rows(back).map(\.id) == [webID, workerID], "\(back)")
        }
    }

    @Test("entries that are not ready: a timeout (124, the job runs on), an early end (1, its last lines), no port")
    func notReady() async throws {
        try await Sandbox.run { sandbox async throws in
            let root = try Self.project(sandbox, """
                [[job]]
                name = "slow"
                command = "sh -c 'echo still booting; exec sleep 300'"
                ready_log = "never"
                ready_timeout = "1s"

                [[job]]
                name = "crash"
                command = ["sh", "-c", "echo boom >&2; exit 3"]
                ready_log = "never"

                [[job]]
                name = "api"
                command = "sleep 300"
                ready_port = 8080
                ready_timeout = "1s"
                """)
            let slow = try await sandbox.gob("up", "slow", in: root)
            #expect(slow.status == 124, "\(slow)")
            let slowRow = try #require(Self.rows(slow).first)
            #expect(slowRow.rest == "not ready within 1.0s (ready_timeout); it keeps running", "\(slow)")
            #expect(slow.stderr.hasSuffix("--- stdout of \(slowRow.id ?? "") (last line) ---\nstill booting\n"), "\(slow)")
            #expect(try await sandbox.listedJob(slowRow.id ?? "")?.status == .running)

            let crash = try await sandbox.gob("up", "crash", "slow", in: root)
            #expect(crash.status == 1, "\(crash)")
            let crashRow = try #require(Self.rows(crash).first)
            #expect(crashRow.name == "crash" && crashRow.rest.hasPrefix("ended before it was ready: exit code 3"), "\(crash)")
            #expect(crash.stderr.contains("--- stderr of \(crashRow.id ?? "") (last line) ---\nboom\n"), "\(crash)")
            #expect(Self.rows(crash).last?.rest == "not ready within 1.0s (ready_timeout); it keeps running", "\(crash)")

            // Whatever else listens on 8080, the job's own tree does not.
            let api = try await sandbox.gob("up", "api", in: root)
            #expect(api.status == 124, "\(api)")
            let apiRow = try #require(Self.rows(api).first)
            #expect(apiRow.rest == "not ready within 1.0s (ready_timeout); it keeps running", "\(api)")
            #expect(try await sandbox.listedJob(apiRow.id ?? "")?.readyPort == 8080)
        }
    }

    @Test("ready_port: up waits until the entry's tree listens, and says where")
    func readyPort() async throws {
        guard let python = Sandbox.installedProgram("python3") else {
            print("skipped: needs python3")
            return
        }
        try await Sandbox.run { sandbox async throws in
            let root = try Self.project(sandbox, """
                [[job]]
                name = "files"
                command = ["\(python)", "-m", "http.server", "0", "--bind", "127.0.0.1"]
                ready_port = true
                """)
            let up = try await sandbox.gob("up", "files", in: root)
            #expect(up.status == 0, "\(up)")
            let row = try #require(Self.rows(up).first)
            let id = try #require(row.id, "\(up)")
            let match = try #require(row.rest.firstMatch(of: /^ready after [0-9]+\.[0-9]s on http:\/\/127\.0\.0\.1:([0-9]+)$/), "\(up)")
            let ports = try await sandbox.gob("ports", "--json", id)
            let listed = ListeningPort.list(json: try JSON(parsing: ports.stdout)["ports"]).map(\.port)
            #expect(listed == [Int(match.output.1) ?? -1], "\(ports)")
            let job = try #require(try await sandbox.listedJob(id))
            #expect(job.readyPort == 0 && job.readiness == "ready" && job.gobfileName == "files")
        }
    }

    @Test("a blocked command is refused by add, run, start, restart and up, in the project and its subdirectories")
    func blocked() async throws {
        try await Sandbox.run { sandbox async throws in
            let unblocked = """
                [[job]]
                name = "sleeper"
                command = "sleep 301"
                description = "only by hand"
                blocked = false
                """
            let root = try Self.project(sandbox, unblocked)
            let (running, runningPID) = try await sandbox.addJob("sleep", "301", in: root + "/sub")
            let (stopped, _) = try await sandbox.addJob("sleep", "301", in: root)
            #expect(try await sandbox.gob("stop", stopped).status == 0)
            try Self.write(unblocked.replacingOccurrences(of: "blocked = false", with: "blocked = true"), in: root)

            let refusal = "Error: blocked by .config/gobfile.toml: sleep 301 — only by hand\n"
            for directory in [root, root + "/sub/deeper"] {
                for arguments in [["add", "sleep", "301"], ["add", "sleep 301"], ["add", "-f", "sleep", "301"], ["run", "sleep", "301"],
                                  ["run", "-q", "sleep 301"]] {
                    let outcome = try await sandbox.gob(arguments, in: directory)
                    #expect(outcome.status == 1 && outcome.stderr == refusal && outcome.stdout.isEmpty, "\(arguments): \(outcome)")
                }
            }
            let json = try await sandbox.gob("add", "--json", "sleep", "301", in: root)
            let code = try JSON(parsing: json.stdout)["error"]?["code"]?.stringValue
            #expect(json.status == 1 && code == "blocked", "\(json)")

            let start = try await sandbox.gob("start", stopped, in: "/")
            #expect(start.status == 1 && start.stderr == refusal, "any directory: the job's own counts: \(start)")
            let restart = try await sandbox.gob("restart", running)
            #expect(restart.status == 1 && restart.stderr == refusal, "\(restart)")
            let job = try #require(try await sandbox.listedJob(running))
            #expect(job.status == .running && job.pid == runningPID, "the refused restart left the job alone")
            #expect(try await sandbox.listedJob(stopped)?.status == .stopped)

            let up = try await sandbox.gob("up", "sleeper", in: root + "/sub")
            #expect(up.status == 1, "\(up)")
            #expect(up.stdout == "sleeper  blocked by .config/gobfile.toml: sleep 301 — only by hand\n", "\(up)")
            #expect(try await sandbox.listedJobs().count == 2, "nothing was started")

            // Other commands, and the same command outside the project, still start.
            #expect(try await sandbox.gob("add", "sleep", "302", in: root).status == 0)
            #expect(try await sandbox.gob("add", "sleep", "301", in: sandbox.workdir).status == 0)
        }
    }

    @Test("bad gobfiles: invalid TOML, unknown keys, duplicate names, empty commands, unknown names, no file")
    func badFiles() async throws {
        try await Sandbox.run { sandbox async throws in
            let root = try Self.project(sandbox, "[[job]]\ncommand = \"sleep 300\"\nautostart = yes\n")
            let path = root + "/.config/gobfile.toml"
            let invalid = try await sandbox.gob("up", in: root + "/sub")
            #expect(invalid.status == 1, "\(invalid)")
            #expect(invalid.stderr.hasPrefix("Error: \(path):3:13: invalid TOML: "), "\(invalid)")
            // The daemon cannot tell what a broken file blocks: it starts nothing there.
            let add = try await sandbox.gob("add", "echo", "hi", in: root + "/sub")
            #expect(add.status == 1 && add.stderr.hasPrefix("Error: cannot start: \(path):3:13: invalid TOML"), "\(add)")

            try Self.write("[[job]]\nname = \"w\"\ncommand = \"sleep 300\"\nautostrat = true\n", in: root)
            let warned = try await sandbox.gob("up", "w", in: root)
            #expect(warned.status == 0, "\(warned)")
            #expect(warned.stderr == "\(path):4: warning: unknown key \"autostrat\" in a [[job]] entry (ignored)\n", "\(warned)")
            #expect(warned.stdout.hasPrefix("w  "), "\(warned)")

            try Self.write("[[job]]\nname = \"a\"\ncommand = \"x\"\n\n[[job]]\nname = \"a\"\ncommand = \"y\"\n", in: root)
            let duplicate = try await sandbox.gob("up", in: root)
            #expect(duplicate.status == 1, "\(duplicate)")
            #expect(duplicate.stderr.hasPrefix("Error: \(path):6: duplicate name \"a\" (the entry at line 1 has it too)"), "\(duplicate)")

            try Self.write("[[job]]\nname = \"a\"\ncommand = \"\"\n", in: root)
            let empty = try await sandbox.gob("down", in: root)
            #expect(empty.status == 1 && empty.stderr == "Error: \(path):3: empty command\n", "\(empty)")

            try Self.write("[[job]]\nname = \"a\"\ncommand = \"sleep 300\"\n", in: root)
            let unknown = try await sandbox.gob("up", "nope", in: root)
            #expect(unknown.status == 1, "\(unknown)")
            #expect(unknown.stderr == "Error: no entry named \"nope\" in \(path) (its entries: a)\n", "\(unknown)")
            let nothing = try await sandbox.gob("up", in: root)
            #expect(nothing.status == 0 && nothing.stdout.hasPrefix("Nothing to start: no entry of \(path) has autostart = true"),
                    "\(nothing)")

            let elsewhere = try sandbox.makeDirectory()
            try FileManager.default.createDirectory(atPath: elsewhere + "/.git", withIntermediateDirectories: true)
            let none = try await sandbox.gob("up", in: elsewhere)
            #expect(none.status == 1, "\(none)")
            #expect(none.stderr.hasPrefix("Error: no .config/gobfile.toml here or in a parent directory"), "\(none)")
        }
    }
}
