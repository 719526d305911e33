import Glibc
import Foundation
import GobProtocol
import Testing

/// `ping`, `status` and `list` are answered on the daemon's accepting thread when they
/// arrive with their connection. Whatever else comes that way (a client that has not sent
/// its request yet, half a request, a reader too slow for its list) goes on to a thread of
/// its own with what was read of it, and holds up nobody.
@Suite("Fault: requests answered at once", .endToEnd, .timeLimit(.minutes(3)))
struct QuickAnswerTests {
    @Test func connectionsThatSendLaterAreAnsweredAfterOthersWithNothingLost() async throws {
        try await Sandbox.run { sandbox async throws in
            _ = try await sandbox.gob("ping")
            let silent = try #require(IdleConnection(socket: sandbox.paths.socket))
            let half = try #require(IdleConnection(socket: sandbox.paths.socket, sending: Array(#"{"type":"sta"#.utf8)))
            // Accepted after both, answered although neither has sent a whole request.
            #expect(try await sandbox.daemonAnswers())
            // Each still gets its own answer; the half read before is kept.
            #expect(silent.send(Array("{\"type\":\"ping\"}\n".utf8)))
            #expect(half.send(Array("tus\"}\n".utf8)))
            let pong = try #require(await silent.readToEnd())
            let pongReply = try #require((try? JSON(parsing: pong)).flatMap(Response.init(json:)))
            #expect(pongReply.success && pongReply["message"]?.stringValue == "pong", "\(String(decoding: pong, as: UTF8.self))")
            let status = try #require(await half.readToEnd())
            let statusReply = try #require((try? JSON(parsing: status)).flatMap(Response.init(json:)))
            #expect(statusReply.success && statusReply["pid"]?.intValue == Int64(sandbox.daemonPID ?? 0))
        }
    }

    @Test func aListItsClientDoesNotReadHoldsUpNobody() async throws {
        try await Sandbox.run { sandbox async throws in
            // Five jobs whose command lines make a list of half a megabyte: more than a
            // socket takes before its reader reads.
            let long = String(repeating: "x", count: 100_000)
            for number in 0..<5 {
                let added = try await sandbox.gob("add", "--", "true", String(number), long)
                #expect(added.status == 0, "\(added)")
            }
            let request = Request.list(workdir: nil).json.compact + "\n"
            let reader = try #require(IdleConnection(socket: sandbox.paths.socket, sending: Array(request.utf8)))
            // Until its reader reads, the rest of that list waits; nobody else does.
            #expect(try await sandbox.daemonAnswers())
            #expect(try await sandbox.gob("status").status == 0)
            let reply = try #require(await reader.readToEnd())
            #expect(reply.count > 500_000, "\(reply.count) bytes")
            let listed = try #require((try? JSON(parsing: reply)).flatMap(Response.init(json:)), "\(reply.count) bytes")
            #expect(listed.jobs?.count == 5)
            #expect(listed.jobs?.allSatisfy { $0.command.last == OSString(long) } == true)
        }
    }
}
