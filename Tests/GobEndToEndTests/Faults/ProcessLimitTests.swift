import Glibc
import CGobShims
import Foundation
import GobProtocol
import Testing

/// A job that forks up to the user's process limit leaves the daemon without threads:
/// it must still answer `status` and `list` and carry out `stop` and `nuke`, never drop
/// the connection. Root ignores the limit, so the daemon and its clients run as uid 65534
/// (nobody); the test skips with a message where that cannot be done.
@Suite("Fault: the user's process limit", .timeLimit(.minutes(10)))
struct ProcessLimitTests {
    static let nobody = Sandbox.nobody

    @Test func aDaemonAtTheProcessLimitStillStopsJobs() async throws {
        guard getuid() == 0, GobProcess.othersCanRun, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
        else {
            print("skipped: needs root, setpriv, prlimit, python3 and a gob another user can run to run the daemon as another user under a process limit")
            return
        }
        guard Self.tasks(of: Self.nobody) < 50 else {
            print("skipped: uid 65534 already runs \(Self.tasks(of: Self.nobody)) tasks on this machine")
            return
        }
        try await Sandbox.run { sandbox async throws in
            for path in [sandbox.base, sandbox.workdir, sandbox.stateHome, sandbox.configHome] {
                #expect(chown(path, Self.nobody, Self.nobody) == 0)
            }
            // The daemon gets the limit of the client that starts it, and its jobs the
            // daemon's: room for its threads and a few more; the job takes the rest.
            let limit = Self.tasks(of: Self.nobody) + 30
            #expect(try await sandbox.gobAsNobody(["ping"], processLimit: limit).status == 0)
            // A job that keeps forking: whenever a process of the user ends, it takes the
            // free place, so the limit stays reached whatever else runs as that user.
            let forker = """
                import os, time
                while True:
                    try:
                        if os.fork() == 0:
                            time.sleep(300)
                            os._exit(0)
                    except OSError:
                        time.sleep(0.01)
                """
            let added = try await sandbox.gobAsNobody(["add", "--", "/usr/bin/python3", "-c", forker])
            #expect(added.status == 0, "\(added)")
            let id = String(added.stdout.dropFirst("Added job ".count).prefix { $0 != " " })
            // A fork fails once the user's tasks would reach the limit.
            #expect(try await eventually(timeout: .seconds(60)) { Self.tasks(of: Self.nobody) >= limit - 1 },
                    "the job forked up to the limit")
            // Before: connection reset by peer, broken pipe.
            for command in [["status"], ["list"]] {
                let outcome = try await sandbox.gobAsNobody(command)
                #expect(outcome.status == 0, "\(command): \(outcome)")
            }
            let stopped = try await sandbox.gobAsNobody(["stop", id])
            #expect(stopped.status == 0, "\(stopped)")
            #expect(try await eventually(timeout: .seconds(60)) { Self.tasks(of: Self.nobody) < limit - 10 })
            #expect(sandbox.daemonLog.contains("serving it on the accepting thread"), "the limit was reached")
            let nuked = try await sandbox.gobAsNobody(["nuke", "--all"])
            #expect(nuked.status == 0, "\(nuked)")
        }
    }

    /// Threads of every process of `uid`: what the process limit counts.
    private static func tasks(of uid: uid_t) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var count = 0
        for name in names where Int32(name) != nil {
            guard let status = try? String(contentsOfFile: "/proc/\(name)/status", encoding: .utf8) else { continue }
            var owner: uid_t?
            var threads = 0
            for line in status.split(separator: "\n") {
                if line.hasPrefix("Uid:") { owner = line.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap { uid_t($0) } }
                if line.hasPrefix("Threads:") { threads = Int(line.filter(\.isNumber)) ?? 0 }
            }
            if owner == uid { count += threads }
        }
        return count
    }
}
