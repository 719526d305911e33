import Glibc
import Foundation
import GobProtocol
import Testing

/// `gob list --json` prints what the daemon made of its jobs (`list_json`), copied to
/// stdout as it arrives.
@Suite("List: the JSON output the daemon sends", .endToEnd, .timeLimit(.minutes(2)))
struct ListJSONTests {
    @Test func anOutputOfManyReadsIsPrintedWhole() async throws {
        try await Sandbox.run { sandbox async throws in
            // Five jobs of 100 KB command lines: an output many reads long.
            let long = String(repeating: "y", count: 100_000)
            var ids: [String] = []
            for number in 0..<5 {
                ids.append(try await sandbox.addJob("true", String(number), long).id)
            }
            let listed = try await sandbox.gob("list", "--json")
            #expect(listed.status == 0 && listed.stderr.isEmpty, "\(listed.stderr)")
            #expect(listed.stdout.utf8.count > 500_000)
            let jobs = try #require(try JSON(parsing: Array(listed.stdout.utf8)).arrayValue)
            #expect(jobs.compactMap { $0["id"]?.stringValue } == ids.reversed())
            #expect(jobs.allSatisfy { $0["command"]?.arrayValue?.last?.stringValue == long })
            #expect(listed.stdout.hasSuffix("]\n"))
        }
    }

    @Test func anOutputCutShortIsAnErrorNotAShorterList() async throws {
        try await Sandbox.run { sandbox async throws in
            // A daemon that goes away after 10 of the 100 bytes it announced (the stand-in ends
            // its answer with a line feed).
            #expect(mkdir(sandbox.paths.directory, 0o700) == 0)
            let fake = try FakeDaemon(socket: sandbox.paths.socket) { _ in
                "{\"success\":true,\"data\":{\"output_bytes\":100}}\n[\n  {\"id\""
            }
            defer { fake.stop() }
            let outcome = try await sandbox.gob("list", "--json")
            #expect(outcome.status == 1, "\(outcome)")
            #expect(outcome.stderr.contains("the reply ended after 10 of 100 bytes"), "\(outcome.stderr)")
        }
    }
}
