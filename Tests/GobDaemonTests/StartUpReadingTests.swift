import Foundation
import Glibc
import GobProtocol
import GobStore
import Logging
import Testing
@testable import GobDaemon

/// What a daemon starting with stored jobs does with them: the job table built beside the
/// reading of rows, and the `<rt>` links made in a fresh runtime directory or repaired in
/// a used one.
@Suite struct StartUpReadingTests {
    private static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// `count` stored jobs with one ended run each, in creation order.
    private static func loaded(_ count: Int) -> [LoadedJob] {
        (0..<count).map { n in
            let id = "j" + String(n, radix: 36)
            let job = StoredJob(
                id: id, sequence: Int64(n), command: ["sleep", OSString(String(n))], workdir: "/tmp",
                createdAtNanos: 1_000_000_000 + Int64(n), description: n % 2 == 0 ? "even" : nil, lastRun: 3,
                summary: RunSummary(runs: 3, successes: 3, successDurations: [10, 20, Int64(n)]))
            let run = RunRecord(
                jobID: id, number: 3, pid: 100 + Int32(n), processStartTime: 7, bootID: "boot",
                startedAtNanos: 2_000_000_000, endedAtNanos: 3_000_000_000, durationMilliseconds: 1000, exitCode: 0,
                outcome: .success)
            return LoadedJob(job: job, latestRun: run)
        }
    }

    /// The same rows, handed over in batches to the building thread or built in place,
    /// give the same table as jobs made one by one, whatever the batches' sizes.
    @Test(arguments: [true, false])
    func theTableIsBuiltWhetherThreadedOrNot(threaded: Bool) throws {
        let paths = RuntimePaths(directory: "/run/gob-test")
        let rows = Self.loaded(300)
        let builder = JobTableBuilder(paths: paths, environment: ["PATH=/bin"], expected: rows.count)
        let started = threaded ? builder.start() : false
        #expect(started == threaded)
        // Uneven batches, one of them empty.
        builder.add(Array(rows[0..<1]))
        builder.add([])
        builder.add(Array(rows[1..<200]))
        builder.add(Array(rows[200...]))
        let built = builder.finish(threaded: started)
        #expect(built.table.count == 300)
        #expect(built.highestSequence == 299)
        for row in rows {
            let expected = Job(loaded: row, paths: paths, environment: ["PATH=/bin"])
            let job = try #require(built.table[row.job.id])
            #expect(job.snapshot == expected.snapshot)
            #expect(job.sequence == expected.sequence && job.stdoutPath == paths.stdoutLog(row.job.id))
        }
    }

    /// No rows: an empty table and no sequence number, from the thread too.
    @Test func noRowsMakeAnEmptyTable() {
        let builder = JobTableBuilder(paths: RuntimePaths(directory: "/run/gob-test"), environment: [], expected: 0)
        let built = builder.finish(threaded: builder.start())
        #expect(built.table.isEmpty && built.highestSequence == nil)
    }

    /// `relinkAll` through the runtime directory's descriptor makes the links of a fresh
    /// directory, replaces a link that points at another run and one left as a plain
    /// file, leaves no temporary name behind, and removes the links of unknown jobs.
    @Test func linksAreMadeAndRepairedInTheRuntimeDirectory() throws {
        let root = try #require(mkdtemp(strdup("/tmp/gob-links-XXXXXX")).map { String(cString: $0) })
        defer { try? FileManager.default.removeItem(atPath: root) }
        let paths = RuntimePaths(directory: root + "/rt")
        let (directory, _) = try RuntimeDirectory.checked(paths)
        let rows = Self.loaded(5)
        // j1 points at an older run, j2's stderr name is a plain file, a `.new` leftover
        // sits beside j3's, and "zz" is no job's.
        #expect(symlink(root + "/logs/j1-2.stdout.log", paths.stdoutLog("j1")) == 0)
        #expect(FileManager.default.createFile(atPath: paths.stderrLog("j2"), contents: Data("old".utf8)))
        #expect(FileManager.default.createFile(atPath: paths.stdoutLog("j3") + ".new", contents: Data()))
        #expect(symlink(root + "/logs/zz-1.stdout.log", paths.stdoutLog("zz")) == 0)

        let supervisor = JobSupervisor(
            launcher: FakeLauncher(), bus: EventBus(logger: Self.logger), paths: paths, store: nil,
            logs: LogFiles(directory: root + "/logs"), directory: directory, bootID: "boot", logger: Self.logger)
        supervisor.restore(rows)
        supervisor.relinkAll()

        let manager = FileManager.default
        for row in rows {
            let id = row.job.id
            #expect(try manager.destinationOfSymbolicLink(atPath: paths.stdoutLog(id)) == root + "/logs/\(id)-3.stdout.log")
            #expect(try manager.destinationOfSymbolicLink(atPath: paths.stderrLog(id)) == root + "/logs/\(id)-3.stderr.log")
        }
        let names = try manager.contentsOfDirectory(atPath: paths.directory)
        #expect(!names.contains { $0.hasPrefix("zz.") }, "\(names)")
        #expect(!names.contains { $0.hasSuffix(".new") && $0 != "j3.stdout.log.new" }, "\(names)")
    }
}
