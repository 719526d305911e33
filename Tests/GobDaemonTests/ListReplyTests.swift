import Foundation
@testable import GobDaemon
import GobProtocol
import GobTestSupport
import Testing

/// The `list` reply is written from each job's kept wire bytes (`Job.wire`), not from a
/// JSON value: it must be byte for byte the reply `handle` describes, whatever happened
/// to the jobs since their bytes were kept.
@Suite("List reply from kept bytes", .timeLimit(.minutes(1)))
struct ListReplyTests {
    /// `handle`'s response as the server would have written it before.
    static func expected(_ handler: RequestHandler, _ request: Request) -> [UInt8] {
        var line: [UInt8] = []
        handler.handle(request).0.json.write(into: &line, indent: nil, level: 0)
        line.append(0x0A)
        return line
    }

    static func expectSameReply(_ handler: RequestHandler, sourceLocation: SourceLocation = #_sourceLocation) {
        for scope: OSString? in [nil, "/work/a", "/work/b", "/none"] {
            let request = Request.list(workdir: scope)
            let reply = handler.reply(to: request)
            #expect(reply.followUp == .close, sourceLocation: sourceLocation)
            #expect(String(decoding: reply.line, as: UTF8.self) == String(decoding: expected(handler, request), as: UTF8.self),
                    "\(request)", sourceLocation: sourceLocation)
            // `list_json`: a line with the output's length, then `gob list --json`'s output
            // for the same jobs, made again after every change.
            let jobs = handler.handle(request).0.jobs ?? []
            let output = Array((JSON.array(jobs.map(\.listJSON)).pretty + "\n").utf8)
            let printed = handler.reply(to: .listJSON(workdir: scope))
            #expect(printed.followUp == .close, sourceLocation: sourceLocation)
            let head = Array("{\"success\":true,\"data\":{\"output_bytes\":\(output.count)}}\n".utf8)
            #expect(String(decoding: printed.line, as: UTF8.self) == String(decoding: head + output, as: UTF8.self),
                    "list_json of \(scope.map(\.description) ?? "every job")", sourceLocation: sourceLocation)
        }
    }

    @Test func matchesTheResponseAcrossChanges() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let handler = RequestHandler(supervisor: f.supervisor)
        Self.expectSameReply(handler)
        var specA = f.spec(["sleep", "300"])
        specA.description = "web UI on :5173 <&> \"quoted\" ünï ✓"
        let a = try f.supervisor.add(specA)
        let b = try f.supervisor.add(f.spec(["printf", "a\tb\n", "\u{2028}"], workdir: "/work/b"))
        let c = try f.supervisor.add(f.spec(["false"]))
        Self.expectSameReply(handler)
        // Each change a snapshot shows must reach the reply: an exit, a kill, a restart,
        // a new description, a removal.
        f.launcher.exit(c.pid, code: 3)
        #expect(await f.settled())
        #expect((try? f.supervisor.job(c.id).status) == .stopped)
        Self.expectSameReply(handler)
        _ = try f.supervisor.stop(a.id, force: true)
        Self.expectSameReply(handler)
        _ = try f.supervisor.start(a.id, environment: nil)
        Self.expectSameReply(handler)
        var again = f.spec(["false"])
        again.description = "second run"
        _ = try f.supervisor.submit(again)
        Self.expectSameReply(handler)
        _ = try f.supervisor.stop(b.id, force: false)
        _ = try f.supervisor.remove(b.id)
        Self.expectSameReply(handler)
        #expect(handler.reply(to: .list(workdir: nil)).line.count > 100)
    }

    @Test func otherRequestsAreTheResponseWritten() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let handler = RequestHandler(supervisor: f.supervisor)
        let job = try f.supervisor.add(f.spec(["sleep", "300"]))
        for request in [Request.ping, .getJob(jobID: job.id), .getJob(jobID: "nope"), .cleanup(workdir: nil)] {
            #expect(handler.reply(to: request).line == Self.expected(handler, request))
        }
        #expect(handler.reply(to: .shutdown).followUp == .shutdown)
    }
}
