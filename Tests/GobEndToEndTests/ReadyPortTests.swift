import Glibc
import Foundation
import GobProtocol
import Testing

/// Readiness by port end to end: `--ready-port` returns once the job's tree listens,
/// says where, counts only the job's own tree (an escaped grandchild included, another
/// job's listener not), and applies again on `restart` and to `await --ready`.
@Suite("Readiness by port", .endToEnd, .timeLimit(.minutes(3)))
struct ReadyPortTests {
    /// The port of `Job <id> ready after <d.d>s on http://<host>:<port>` in `output`.
    static func readyPort(_ id: String, host: String, in output: String) throws -> Int {
        let pattern = try Regex("Job \(id) ready after [0-9]+\\.[0-9]s on http://\(NSRegularExpression.escapedPattern(for: host)):([0-9]+)\n")
        let match = try #require(output.firstMatch(of: pattern), "no ready line for \(host) in \(output)")
        return try #require(match.output[1].substring.flatMap { Int($0) })
    }

    /// The TCP ports `gob ports --json <id>` lists.
    static func listedPorts(_ sandbox: Sandbox, _ id: String) async throws -> [ListeningPort] {
        let outcome = try await sandbox.gob("ports", "--json", id)
        #expect(outcome.status == 0, "\(outcome)")
        return ListeningPort.list(json: try JSON(parsing: outcome.stdout)["ports"]).filter { $0.transport == .tcp }
    }

    /// The status line of an HTTP/1.0 GET of `/` at 127.0.0.1:`port`: the server answers.
    static func httpStatusLine(port: Int) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET / HTTP/1.0\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { return nil }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !reply.contains(0x0A) {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            reply += buffer[0..<count]
        }
        return String(decoding: reply.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
    }

    @Test func anyPortOfAServerAndOfAnEscapedGrandchild() async throws {
        guard let python = Sandbox.installedProgram("python3") else {
            print("skipped: needs python3")
            return
        }
        try await Sandbox.run { sandbox async throws in
            // Bound to every IPv4 address: shown as the loopback address, which reaches it.
            let added = try await sandbox.gob("add", "--ready-port", python, "-m", "http.server", "0")
            #expect(added.status == 0 && added.stderr.isEmpty, "\(added)")
            let id = try ReadinessEndToEndTests.addedID(added)
            #expect(added.stdout.hasPrefix("Added job \(id) running: \(python) -m http.server 0\n"), "\(added)")
            let port = try Self.readyPort(id, host: "127.0.0.1", in: added.stdout)
            let listed = try await Self.listedPorts(sandbox, id)
            #expect(listed.map(\.port) == [port] && listed.first?.address == "0.0.0.0", "\(listed)")
            #expect(Self.httpStatusLine(port: port)?.hasPrefix("HTTP/1.0 200") == true, "ready means it answers")
            let job = try #require(try await sandbox.listedJob(id))
            #expect(job.readiness == "ready" && job.readyPort == 0 && job.readyLog == nil, "\(job)")
            #expect(job.readyListener == listed.first, "\(job)")

            // A grandchild that left the job's session, whose parent has ended; --json, quiet.
            let escaped = "setsid sh -c '\(python) -m http.server 0 --bind 127.0.0.1 & exit 0'; exec sleep 300"
            let json = try await sandbox.gob("add", "--json", "--ready-port", "sh", "-c", escaped)
            #expect(json.status == 0 && json.stderr.isEmpty, "\(json)")
            let object = try #require(JobSnapshot(json: try JSON(parsing: json.stdout)), "\(json)")
            let listener = try #require(object.readyListener, "\(json)")
            #expect(object.readiness == "ready" && listener.address == "127.0.0.1" && listener.pid != object.pid, "\(json)")
            #expect(try await Self.listedPorts(sandbox, object.id) == [listener])
            #expect(Self.httpStatusLine(port: listener.port)?.hasPrefix("HTTP/1.0 200") == true)

            let quiet = try await sandbox.gob("add", "-q", "--ready-port", "0", python, "-m", "http.server", "0")
            #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet)")
            let quietID = quiet.stdout.trimmingCharacters(in: .newlines)
            #expect(try await sandbox.listedJob(quietID)?.readiness == "ready", "\(quiet)")
        }
    }

    @Test func aGivenPortCountsOnlyInTheJobsOwnTreeAndAgainAfterRestart() async throws {
        guard let python = Sandbox.installedProgram("python3") else {
            print("skipped: needs python3")
            return
        }
        try await Sandbox.run { sandbox async throws in
            let other = try await sandbox.gob("add", "--ready-port", python, "-m", "http.server", "0", "--bind", "127.0.0.1")
            #expect(other.status == 0, "\(other)")
            let otherID = try ReadinessEndToEndTests.addedID(other)
            let port = try Self.readyPort(otherID, host: "127.0.0.1", in: other.stdout)

            // The port is listened on, by another job: this one is not ready.
            let server = "while [ ! -e go ]; do sleep 0.05; done; exec \(python) -m http.server \(port) --bind 127.0.0.1"
            let waiting = try await sandbox.gob("add", "--ready-port", "\(port)", "--ready-timeout", "1s", "sh", "-c", server)
            #expect(waiting.status == 124, "\(waiting)")
            let id = try ReadinessEndToEndTests.addedID(waiting)
            #expect(waiting.stderr.hasPrefix("Job \(id) was not ready within 1.0s (--ready-timeout); it keeps running\n"), "\(waiting)")
            let timedOut = try #require(try await sandbox.listedJob(id))
            #expect(timedOut.status == .running && timedOut.readiness == "timed_out" && timedOut.readyPort == port)

            // Once the port is free and the job serves it: ready after a restart with a new rule.
            #expect(try await sandbox.gob("stop", otherID).status == 0)
            _ = FileManager.default.createFile(atPath: sandbox.workdir + "/go", contents: Data())
            let restarted = try await sandbox.gob("restart", "--ready-port", "\(port)", id)
            #expect(restarted.status == 0, "\(restarted)")
            #expect(try Self.readyPort(id, host: "127.0.0.1", in: restarted.stdout) == port, "\(restarted)")

            // The stored rule applies again, and `await --ready` reports the listener.
            let again = try await sandbox.gob("restart", id)
            #expect(again.status == 0 && again.stdout.hasPrefix("Restarted job \(id) with new PID "), "\(again)")
            #expect(try Self.readyPort(id, host: "127.0.0.1", in: again.stdout) == port, "\(again)")
            let awaited = try await sandbox.gob("await", "--ready", id)
            #expect(awaited.status == 0, "\(awaited)")
            #expect(try Self.readyPort(id, host: "127.0.0.1", in: awaited.stdout) == port, "\(awaited)")
        }
    }

    @Test func aLineAndAPortTogether() async throws {
        guard let python = Sandbox.installedProgram("python3") else {
            print("skipped: needs python3")
            return
        }
        try await Sandbox.run { sandbox async throws in
            let added = try await sandbox.gob(
                "add", "--ready-log", "^Serving HTTP on", "--ready-port", python, "-u", "-m", "http.server", "0", "--bind", "::1")
            #expect(added.status == 0, "\(added)")
            let id = try ReadinessEndToEndTests.addedID(added)
            let port = try Self.readyPort(id, host: "[::1]", in: added.stdout)
            #expect(sandbox.stdoutLog(id).contains("port \(port)"), "the line came, and the port it names was found")
            let job = try #require(try await sandbox.listedJob(id))
            #expect(job.readyLog == "^Serving HTTP on" && job.readyPort == 0 && job.readyListener?.address == "::1")
        }
    }

    @Test func aBarePortFlagLeavesTheJobsWordsAlone() async throws {
        try await Sandbox.run { sandbox async throws in
            // `--ready-port` before the job's command takes no word of it; one in the
            // command is the job's. The job never listens: the short timeout says so.
            let outcome = try await sandbox.gob(
                "add", "--ready-port", "--ready-timeout", "300ms", "-d", "x", "sh", "-c", "exec sleep 300", "--ready-port")
            #expect(outcome.status == 124, "\(outcome)")
            let id = try ReadinessEndToEndTests.addedID(outcome)
            let job = try #require(try await sandbox.listedJob(id))
            #expect(job.command == ["sh", "-c", "exec sleep 300", "--ready-port"] && job.readyPort == 0 && job.description == "x")

            // `start` takes the bare flag after the job's ID too.
            #expect(try await sandbox.gob("stop", id).status == 0)
            let started = try await sandbox.gob("start", id, "--ready-port", "--ready-timeout", "300ms")
            #expect(started.status == 124, "\(started)")
            #expect(try await sandbox.listedJob(id)?.readyPort == 0)
        }
    }
}
