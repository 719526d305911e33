import Foundation
import GobProtocol
import Testing

/// Every field of the one definition (`JobField`) reaches what the built `gob` prints:
/// `list --json` (the listed fields) and `gob events` (all of them). The job commands'
/// `--json` is held to the same keys by `AgentOutputTests`.
@Suite("Job fields in the CLI's output", .timeLimit(.minutes(10)))
struct JobFieldOutputTests {
    static func keys(_ value: JSON?) -> [String] {
        guard case let .object(members)? = value else { return [] }
        return members.map(\.0)
    }

    @Test func listJSONAndEventsCarryEveryField() async throws {
        try await Sandbox.run { sandbox async throws in
            _ = try await sandbox.gob("ping")
            let events = try sandbox.start(["events"])
            // The subscription is active once the daemon counts it in its log.
            #expect(try await eventually(timeout: .seconds(60)) {
                ((try? String(contentsOfFile: sandbox.paths.daemonLog, encoding: .utf8)) ?? "").contains("Subscriber added")
            })
            let added = try await sandbox.gob("add", "-q", "-d", "fields", "sh", "-c", "exit 3")
            #expect(added.status == 0, "\(added)")
            let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await sandbox.waitUntilStopped(id, timeout: .seconds(60))

            let listed = try await sandbox.gob("list", "--json")
            let element = try #require(try JSON(parsing: listed.stdout).arrayValue?.first, "\(listed)")
            #expect(Self.keys(element) == JobField.allCases.filter(\.listed).map(\.key))

            let stream = { (try? String(contentsOfFile: events.stdoutPath, encoding: .utf8)) ?? "" }
            #expect(try await eventually(timeout: .seconds(60)) { stream().contains("\"type\":\"job_stopped\"") })
            for line in stream().split(separator: "\n") {
                #expect(Self.keys(try JSON(parsing: String(line))["job"]) == JobField.allCases.map(\.key), "\(line)")
            }
            if let daemon = sandbox.daemonPID { kill(daemon, SIGTERM) }
            _ = try await events.finish()
        }
    }
}
