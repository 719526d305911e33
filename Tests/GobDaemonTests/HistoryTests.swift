import Foundation
@testable import GobDaemon
import GobProject
import GobProtocol
import GobStore
import GobTOML
import Logging
import Testing

/// Runs and their history through the supervisor over a real database: numbering,
/// outcomes and estimates, logs kept for the newest runs only, one run removed, and a
/// new supervisor (a new daemon) that reads everything back.
@Suite("Runs and history in the supervisor", .timeLimit(.minutes(1)))
struct HistoryTests {
    /// Ends job `id`'s current process with `code` and waits until the supervisor knows.
    private func finish(_ f: SupervisorFixture, _ id: String, code: Int32) async throws {
        let pid = try f.supervisor.job(id).pid
        f.launcher.exit(pid, code: code)
        #expect(await f.settled())
        #expect(try f.supervisor.job(id).status == .stopped)
    }

    @Test func runsAreNumberedAndSummedUp() async throws {
        let f = SupervisorFixture(keeping: .database)
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["make", "test"]))
        #expect(job.run == "\(job.id)-1" && job.runs == 1 && job.estimate == nil && job.outcome == nil)
        try await finish(f, job.id, code: 0)
        for code: Int32 in [0, 2, 0] {
            _ = try f.supervisor.start(job.id, environment: nil)
            try await finish(f, job.id, code: code)
        }
        _ = try f.supervisor.start(job.id, environment: nil)
        _ = try f.supervisor.stop(job.id, force: false)
        let now = try f.supervisor.job(job.id)
        #expect(now.run == "\(job.id)-5" && now.runs == 5 && now.outcome == .stopped)
        #expect(now.stats == RunStats(runs: 5, successes: 3, failures: 1), "a run gob stopped counts as neither")
        #expect(now.estimate != nil, "3 successful runs give an estimate")
        let runs = try f.supervisor.runs(of: job.id, limit: nil)
        #expect(runs.map(\.number) == [5, 4, 3, 2, 1])
        #expect(runs.map(\.outcome) == [.stopped, .success, .failure, .success, .success])
        #expect(runs[2].exitCode == 2 && runs[0].stoppedByGob)
        #expect(try f.supervisor.runs(of: job.id, limit: 2).map(\.number) == [5, 4])
        #expect(try f.supervisor.run("\(job.id)-3").outcome == .failure)
        #expect(throws: SupervisorError("run not found: \(job.id)-9", code: .notFound)) {
            try f.supervisor.run("\(job.id)-9")
        }
        #expect(throws: SupervisorError("invalid run ID \"\(job.id)\": expected <job>-<n>, such as k3v-2", code: .invalidArgument)) {
            try f.supervisor.run(job.id)
        }
    }

    /// Only the newest runs keep their logs; older ones keep their record, marked.
    @Test func olderRunsLoseTheirLogsButNotTheirRecords() async throws {
        let f = SupervisorFixture(keeping: .database, retention: LogRetention(LogLimits(runsPerJob: 2)))
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["build"]))
        try await finish(f, job.id, code: 0)
        for _ in 0..<3 {
            _ = try f.supervisor.start(job.id, environment: nil)
            try await finish(f, job.id, code: 0)
        }
        #expect(f.runLogs == ["\(job.id)-3.stderr.log", "\(job.id)-3.stdout.log", "\(job.id)-4.stderr.log", "\(job.id)-4.stdout.log"])
        let runs = try f.supervisor.runs(of: job.id, limit: nil)
        #expect(runs.map(\.logsPruned) == [false, false, true, true])
        #expect(runs.first?.stdoutPath == f.directory + "/logs/\(job.id)-4.stdout.log")
    }

    /// One earlier run can go, with its logs; the current one and a running one cannot.
    @Test func anEarlierRunIsRemoved() async throws {
        let f = SupervisorFixture(keeping: .database)
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["check"]))
        try await finish(f, job.id, code: 1)
        _ = try f.supervisor.start(job.id, environment: nil)
        #expect(throws: SupervisorError("cannot remove running run: \(job.id)-2", code: .alreadyRunning)) {
            try f.supervisor.removeRun("\(job.id)-2")
        }
        try await finish(f, job.id, code: 0)
        #expect(throws: SupervisorError(
            "run \(job.id)-2 is job \(job.id)'s latest: remove the job with 'gob remove \(job.id)'", code: .invalidArgument)) {
            try f.supervisor.removeRun("\(job.id)-2")
        }
        let removed = try f.supervisor.removeRun("\(job.id)-1")
        #expect(removed.outcome == .failure)
        #expect(try f.supervisor.runs(of: job.id, limit: nil).map(\.number) == [2])
        #expect(try f.supervisor.job(job.id).stats == RunStats(runs: 1, successes: 1, failures: 0))
        #expect(!f.runLogs.contains { $0.hasPrefix("\(job.id)-1.") }, "its logs went with it")
    }

    /// A new supervisor over the same database (a new daemon) has every job, stopped, as
    /// its latest run left it; the next start continues the numbering.
    @Test func aNewDaemonReadsEverythingBack() async throws {
        let f = SupervisorFixture(keeping: .database)
        defer { f.remove() }
        var spec = f.spec(["serve"])
        spec.description = "the server"
        let job = try f.supervisor.add(spec)
        try await finish(f, job.id, code: 3)
        _ = try f.supervisor.start(job.id, environment: nil)
        try await finish(f, job.id, code: 0)
        let before = try f.supervisor.job(job.id)

        let store = try Store.open(path: f.directory + "/state.db")
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let launcher = FakeLauncher()
        let again = JobSupervisor(
            launcher: launcher, bus: EventBus(logger: logger), paths: RuntimePaths(directory: f.directory), store: store,
            logs: LogFiles(directory: f.directory + "/logs"), bootID: "test-boot", logger: logger)
        launcher.attach(again)
        again.restore(try store.load())
        again.relinkAll()
        let after = try again.job(job.id)
        #expect(after == before, "the job comes back as it was")
        #expect(after.description == "the server" && after.exitCode == 0 && after.runs == 2)
        let next = try again.start(job.id, environment: nil)
        #expect(next.run == "\(job.id)-3" && next.runs == 3)
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: RuntimePaths(directory: f.directory).stdoutLog(job.id))
        #expect(link == f.directory + "/logs/\(job.id)-3.stdout.log")
    }

    /// A link's temporary name left by a daemon that ended between making it and renaming
    /// it is in the way of the next start's link: it is replaced, and the link made.
    @Test func aLeftoverTemporaryLinkIsReplaced() async throws {
        let f = SupervisorFixture(keeping: .database)
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["serve"]))
        try await finish(f, job.id, code: 0)
        let paths = RuntimePaths(directory: f.directory)
        for link in [paths.stdoutLog(job.id), paths.stderrLog(job.id)] {
            try "left behind".write(toFile: link + ".new", atomically: false, encoding: .utf8)
        }
        _ = try f.supervisor.start(job.id, environment: nil)
        for (link, stream) in [(paths.stdoutLog(job.id), "stdout"), (paths.stderrLog(job.id), "stderr")] {
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == f.directory + "/logs/\(job.id)-2.\(stream).log")
            #expect(!FileManager.default.fileExists(atPath: link + ".new"))
        }
    }
}
