import Foundation
@testable import GobDaemon
import GobProtocol
import GobSystem
import Testing

/// The empty files a start takes in place of creating its two logs.
@Suite("Log spares", .timeLimit(.minutes(2)))
struct LogSparesTests {
    let root: String
    let state: StateDirectory

    init() throws {
        root = NSTemporaryDirectory() + "gob-spares-" + UUID().uuidString
        state = try StateDirectory.open(StatePaths(directory: root))
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    var logNames: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: root + "/logs")) ?? []).sorted() }

    static var failsafe: Int64 { MonotonicClock.now() + MonotonicClock.seconds(60) }

    static let logFlags = O_WRONLY | O_CREAT | O_TRUNC | O_APPEND

    @Test func aTakenSpareIsTheRunsEmptyFreshLogAndIsReplaced() throws {
        defer { remove() }
        // An earlier daemon's spare, and a run log (one a start left) with old output.
        try "old".write(toFile: root + "/logs/spare-dead-0.log", atomically: false, encoding: .utf8)
        try "old output".write(toFile: root + "/logs/j-1.stdout.log", atomically: false, encoding: .utf8)
        let spares = LogSpares(directory: state, kept: 2)
        defer { spares.close() }
        // None is ready before the first start; once it has replied, the thread that makes
        // them starts. Nothing is made before that.
        #expect(spares.take(as: "k-1.stdout.log", flags: Self.logFlags, mode: 0o644) == nil)
        #expect(!logNames.contains(where: { LogSpares.isSpare($0) && $0 != "spare-dead-0.log" }))
        spares.replenish()
        #expect(spares.waitUntilReady(2, deadline: Self.failsafe))
        let ready = spares.readyNames
        #expect(ready.count == 2 && ready.allSatisfy(LogSpares.isSpare))
        #expect(!logNames.contains("spare-dead-0.log"), "an earlier daemon's spare is deleted: \(logNames)")

        // A name that exists is the start's own to open, as it always was; the spare stays.
        #expect(spares.take(as: "j-1.stdout.log", flags: Self.logFlags, mode: 0o644) == nil)
        // (Kept for the next start, or deleted when the thread made another meanwhile.)
        #expect(!spares.readyNames.isEmpty && spares.readyNames.allSatisfy(logNames.contains))
        #expect((try? String(contentsOfFile: root + "/logs/j-1.stdout.log", encoding: .utf8)) == "old output")

        let before = Date().addingTimeInterval(-1)
        let next = try #require(spares.readyNames.first)
        let fd = try #require(spares.take(as: "j-2.stdout.log", flags: Self.logFlags, mode: 0o644))
        defer { close(fd) }
        #expect(!logNames.contains(next) && logNames.contains("j-2.stdout.log"))
        var opened = stat()
        var named = stat()
        #expect(fstat(fd, &opened) == 0 && stat(root + "/logs/j-2.stdout.log", &named) == 0)
        #expect(opened.st_ino == named.st_ino && named.st_size == 0)
        let modified = Date(timeIntervalSince1970: TimeInterval(named.st_mtim.tv_sec))
        #expect(modified >= before, "the log's times are the start's, not the spare's")
        #expect(write(fd, "new", 3) == 3)
        #expect((try? String(contentsOfFile: root + "/logs/j-2.stdout.log", encoding: .utf8)) == "new")
        // The one taken is made again, once asked.
        #expect(spares.readyNames.count == 1)
        spares.replenish()
        #expect(spares.waitUntilReady(2, deadline: Self.failsafe))
        #expect(Set(spares.readyNames).count >= 2 && !spares.readyNames.contains(next))
    }

    @Test func aSpareThatIsGoneLeavesTheStartToCreateItsLog() throws {
        defer { remove() }
        let spares = LogSpares(directory: state, kept: 1)
        defer { spares.close() }
        _ = spares.take(as: "x-1.stdout.log", flags: Self.logFlags, mode: 0o644).map { close($0) }
        spares.replenish()
        #expect(spares.waitUntilReady(1, deadline: Self.failsafe))
        let name = try #require(spares.readyNames.first)
        #expect(unlink(root + "/logs/" + name) == 0)
        #expect(spares.take(as: "x-2.stdout.log", flags: Self.logFlags, mode: 0o644) == nil)
        #expect(!logNames.contains("x-2.stdout.log"))
    }

    @Test func closingDeletesTheWaitingSpares() throws {
        defer { remove() }
        let spares = LogSpares(directory: state, kept: 3)
        _ = spares.take(as: "x-1.stdout.log", flags: Self.logFlags, mode: 0o644).map { close($0) }
        spares.replenish()
        #expect(spares.waitUntilReady(3, deadline: Self.failsafe))
        spares.close()
        #expect(!logNames.contains(where: LogSpares.isSpare), "\(logNames)")
    }

    @Test func theLauncherStartsJobsIntoSpares() throws {
        defer { remove() }
        let launcher = PosixProcessLauncher(reaper: Reaper(), logs: state)
        defer { launcher.spares?.close() }
        func run(_ id: String) throws -> String {
            let out = root + "/logs/\(id)-1.stdout.log"
            let spec = LaunchSpec(
                command: ["/bin/sh", "-c", OSString("echo \(id)")], workdir: OSString(root), environment: ["PATH=/usr/bin:/bin"],
                stdoutPath: out, stderrPath: root + "/logs/\(id)-1.stderr.log", settings: nil)
            let process = try launcher.launch(spec)
            var status: Int32 = 0
            while waitpid(process.pid, &status, 0) < 0 && errno == EINTR {}
            return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        }
        #expect(try run("a") == "a\n")
        launcher.prepareAhead()
        // Wait until the spares the first start asked for are there, then start on them.
        let deadline = Self.failsafe
        while logNames.filter(LogSpares.isSpare).count < 4 && MonotonicClock.now() < deadline { usleep(1000) }
        let spares = Set(logNames.filter(LogSpares.isSpare))
        #expect(spares.count == 4)
        #expect(try run("b") == "b\n")
        let left = Set(logNames.filter(LogSpares.isSpare))
        #expect(left.isSubset(of: spares) || left.count <= 4, "\(left)")
        #expect(spares.subtracting(logNames).count >= 1, "the second start took spares: \(logNames)")
    }
}
