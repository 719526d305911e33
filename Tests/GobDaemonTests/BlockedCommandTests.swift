import Foundation
@testable import GobDaemon
import GobProtocol
import Testing

/// The daemon refuses every start of a command its project's gobfile blocks, whichever
/// request asks, and refuses all starts while the gobfile cannot be read.
@Suite("Blocked commands in the daemon", .timeLimit(.minutes(1)))
struct BlockedCommandTests {
    /// A project directory with a gobfile blocking `npm run db:reset`, and a subdirectory.
    final class Project {
        let root: String
        var gobfile: String { root + "/.config/gobfile.toml" }

        init() throws {
            let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
            root = base + "/gob-blocked-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: root + "/.config", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/src/app", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/.git", withIntermediateDirectories: true)
            try write(Self.blocking)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        static let blocking = """
            [[job]]
            command = "npm run db:reset"
            description = "drops the dev database; ask first"
            blocked = true

            [[job]]
            name = "web"
            command = "npm run dev"
            """

        func write(_ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: gobfile))
        }

        func dir(_ relative: String = "") -> OSString { OSString(relative.isEmpty ? root : root + "/" + relative) }
    }

    static let blocked: [OSString] = ["npm", "run", "db:reset"]
    static let message = "blocked by .config/gobfile.toml: npm run db:reset — drops the dev database; ask first"

    /// The error `body` fails with, if any.
    func refusal(_ body: () throws(SupervisorError) -> Void) -> SupervisorError? {
        do throws(SupervisorError) {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test("add and run are refused in the project and in its subdirectories; other commands start")
    func addAndRun() throws {
        let project = try Project()
        let f = SupervisorFixture()
        defer { f.remove() }
        for workdir in [project.dir(), project.dir("src/app")] {
            let add = refusal { () throws(SupervisorError) in _ = try f.supervisor.add(f.spec(Self.blocked, workdir: workdir)) }
            #expect(add == SupervisorError(Self.message, code: .blocked))
            let run = refusal { () throws(SupervisorError) in _ = try f.supervisor.run(f.spec(Self.blocked, workdir: workdir)) }
            #expect(run == SupervisorError(Self.message, code: .blocked))
        }
        #expect(f.supervisor.jobCount == 0)
        // The argv must match exactly: more arguments are another command.
        _ = try f.supervisor.add(f.spec(["npm", "run", "db:reset", "--dry-run"], workdir: project.dir()))
        _ = try f.supervisor.add(f.spec(["npm", "run", "dev"], workdir: project.dir()))
        // Outside the project nothing is blocked.
        _ = try f.supervisor.add(f.spec(Self.blocked, workdir: "/nonexistent/elsewhere"))
        #expect(f.supervisor.jobCount == 3)
    }

    @Test("start and restart of a job created before its command was blocked are refused; the running job is left alone")
    func startAndRestart() async throws {
        let project = try Project()
        try project.write("")
        let f = SupervisorFixture()
        defer { f.remove() }
        let running = try f.supervisor.add(f.spec(Self.blocked, workdir: project.dir("src/app")))
        let stopped = try f.supervisor.add(f.spec(Self.blocked, workdir: project.dir()))
        f.launcher.exit(stopped.pid, code: 0)
        #expect(await f.settled())
        try project.write(Project.blocking)
        let start = refusal { () throws(SupervisorError) in _ = try f.supervisor.start(stopped.id, environment: nil) }
        #expect(start == SupervisorError(Self.message, code: .blocked))
        let restart = refusal { () throws(SupervisorError) in _ = try f.supervisor.restart(running.id, environment: nil) }
        #expect(restart == SupervisorError(Self.message, code: .blocked))
        #expect(try f.supervisor.job(running.id).status == .running)
        #expect(try f.supervisor.job(running.id).pid == running.pid)
        #expect(f.launcher.signalsSent.isEmpty, "nothing was signalled")
        #expect(try f.supervisor.job(stopped.id).status == .stopped)
    }

    @Test("a changed gobfile is read again: unblocking lets the start through")
    func changedFile() throws {
        let project = try Project()
        let f = SupervisorFixture()
        defer { f.remove() }
        #expect(refusal { () throws(SupervisorError) in _ = try f.supervisor.add(f.spec(Self.blocked, workdir: project.dir())) } != nil)
        try project.write(Project.blocking.replacingOccurrences(of: "blocked = true", with: "blocked = false"))
        let job = try f.supervisor.add(f.spec(Self.blocked, workdir: project.dir()))
        #expect(job.status == .running)
    }

    @Test("an unchanged gobfile is read once, however many starts ask; a changed one again")
    func cache() throws {
        let project = try Project()
        let f = SupervisorFixture()
        defer { f.remove() }
        for _ in 0..<5 { _ = try f.supervisor.add(f.spec(["sleep", "1"], workdir: project.dir("src/app"))) }
        _ = try? f.supervisor.add(f.spec(Self.blocked, workdir: project.dir()))
        #expect(f.supervisor.blockedCommands.readCount == 1)
        try project.write(Project.blocking + "\n# changed\n")
        _ = try f.supervisor.add(f.spec(["sleep", "1"], workdir: project.dir()))
        #expect(f.supervisor.blockedCommands.readCount == 2)
    }

    @Test("a gobfile that cannot be read refuses every start in its project, saying where the fault is")
    func brokenFile() throws {
        let project = try Project()
        try project.write("[[job]]\ncommand = \"npm run db:reset\"\nblocked = yes\n")
        let f = SupervisorFixture()
        defer { f.remove() }
        let error = try #require(refusal { () throws(SupervisorError) in
            _ = try f.supervisor.add(f.spec(["echo", "hi"], workdir: project.dir("src")))
        })
        #expect(error.code == .blocked)
        #expect(error.description.hasPrefix("cannot start: \(project.gobfile):3:11: invalid TOML"), "\(error)")
    }

    @Test("a job remembers the gobfile entry it came from, also when run reuses it")
    func gobfileName() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        var spec = f.spec(["npm", "run", "dev"], workdir: "/nonexistent/p")
        spec.gobfileName = "web"
        let job = try f.supervisor.add(spec)
        #expect(job.gobfileName == "web")
        #expect(job.json["gobfile_name"]?.stringValue == "web")
        let plain = try f.supervisor.add(f.spec(["make"], workdir: "/nonexistent/p"))
        #expect(plain.gobfileName == nil)
        f.launcher.exit(plain.pid, code: 0)
        #expect(await f.settled())
        var reuse = f.spec(["make"], workdir: "/nonexistent/p")
        reuse.gobfileName = "build"
        let (reused, restarted) = try f.supervisor.run(reuse)
        #expect(restarted && reused.id == plain.id)
        #expect(reused.gobfileName == "build")
    }
}
