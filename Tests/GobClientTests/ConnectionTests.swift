import Glibc
@testable import GobClient
import GobProtocol
import Testing

@Suite("Client connection")
struct ConnectionTests {
    /// A runtime directory that does not exist, so nothing could be reached by mistake.
    private let paths = RuntimePaths(directory: "/nonexistent-gob-test/gob")

    @Test func aRequestOverTheLimitIsRefusedBeforeAnythingIsSent() {
        let huge = String(repeating: "x", count: RequestLimit.bytes)
        let client = DaemonClient(paths: paths)
        let spec = JobSpec(command: ["true"], workdir: "/", environment: [OSString("BIG=" + huge)])
        #expect(throws: ClientError.self) { _ = try client.send(.add(spec)) }
        do {
            _ = try client.send(.add(spec))
        } catch {
            #expect(error.description.hasPrefix("failed to send request: the request is "), "\(error)")
            #expect(error.description.hasSuffix("more than the 16 MiB the daemon accepts; the command and its environment are too large"))
            #expect(error.exitStatus == 1)
        }
    }

    @Test func requestsThatChangeStateCarryAnIDAndOthersDoNot() throws {
        let add = DaemonClient.line(for: .add(JobSpec(command: ["true"], workdir: "/", environment: nil)), requestID: "abc")
        let json = try JSON(parsing: add.dropLast())
        #expect(json["request_id"]?.stringValue == "abc")
        #expect(add.last == 0x0A)
        let stop = Request.stop(jobID: "x", force: false)
        #expect(stop.changesState && stop.mayTakeLong)
        for quick in [Request.list(workdir: nil), .ping, .status, .getJob(jobID: "x"), .subscribe(workdir: nil)] {
            #expect(!quick.changesState && !quick.mayTakeLong, "\(quick)")
        }
        #expect(Request.signal(jobID: "x", signal: 1).changesState && !Request.signal(jobID: "x", signal: 1).mayTakeLong)
        #expect(DaemonClient.newRequestID() != DaemonClient.newRequestID())
    }

    @Test func failuresToReachTheDaemonExit125AndTheDeadline124() {
        #expect(ClientError.connect(cause: "x").exitStatus == 125)
        #expect(ClientError.notResponding(pid: 42).description == "daemon (PID 42) is not responding")
        #expect(ClientError.notResponding(pid: 42).exitStatus == 125)
        #expect(ClientError.daemonStopped.description == "the gob daemon stopped")
        #expect(ClientError.daemonStopped.exitStatus == 125)
        #expect(ClientError.timedOut.exitStatus == 124)
        #expect(ClientError.decode(detail: "x").exitStatus == 1)
    }

    @Test func aLongLineWithoutLineFeedsIsPassedOnInsteadOfHeld() {
        var prefixer = LinePrefixer(prefix: "[j] ")
        let chunk = [UInt8](repeating: 0x61, count: LinePrefixer.maximumPending / 2)
        var output: [UInt8] = []
        for _ in 0..<10 { output += prefixer.feed(chunk) }
        // Never more than the maximum held back.
        #expect(output.count >= chunk.count * 10 - LinePrefixer.maximumPending)
        #expect(output.starts(with: Array("[j] a".utf8)))
        #expect(output.filter { $0 == UInt8(ascii: "[") }.count == 1, "prefixed once, at the line's start")
        output += prefixer.feed(Array("b\nnext\n".utf8))
        output += prefixer.flush()
        let text = String(decoding: output, as: UTF8.self)
        #expect(text.hasSuffix("ab\n[j] next\n"))
        #expect(text.count == 4 + chunk.count * 10 + 2 + 9)
    }

    @Test func aPartialLineIsEndedByFlush() {
        var prefixer = LinePrefixer(prefix: "> ")
        #expect(prefixer.feed(Array("a\nb".utf8)) == Array("> a\n".utf8))
        #expect(prefixer.flush() == Array("> b\n".utf8))
        #expect(prefixer.flush().isEmpty)
    }
}
