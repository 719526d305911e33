#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GobProtocol
import Testing

/// Slow scenarios (scale, flood, low limits) run when `GOB_SLOW_TESTS=1`, as `.ci/run`
/// sets; plain `swift test` runs the fast ones.
let slowTestsEnabled = ProcessInfo.processInfo.environment["GOB_SLOW_TESTS"] == "1"

extension Sandbox {
    /// One request straight to the socket; the decoded reply, or nil when the daemon
    /// closed without a readable one.
    func raw(_ json: String) -> Response? {
        let reply = RawConnection.exchange(socket: paths.socket, sending: Array((json + "\n").utf8))
        return (try? JSON(parsing: reply)).flatMap(Response.init(json:))
    }

    /// A raw `add` of `command` in the sandbox's workdir with its environment marker, so
    /// teardown finds the job; returns the reply's job.
    func rawAdd(_ command: [OSString]) -> JobSnapshot? {
        let spec = JobSpec(
            command: command, workdir: OSString(workdir),
            environment: ["PATH=/usr/bin:/bin", OSString(marker)])
        return raw(Request.add(spec).json.compact)?.job
    }

    /// Number of descriptors the daemon has open.
    func daemonDescriptorCount() -> Int? {
        guard let pid = daemonPID else { return nil }
        return (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    /// Resident memory of the daemon in KiB.
    func daemonResidentKiB() -> Int? {
        guard let pid = daemonPID,
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.filter(\.isNumber))
    }

    /// Zombie children of the daemon (reaped at once, there should never be any for long).
    func daemonZombies() -> [pid_t] {
        guard let daemon = daemonPID else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { name in
            guard let pid = pid_t(name),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, fields[0] == "Z", pid_t(fields[1]) == daemon else { return nil }
            return pid
        }
    }

    /// `gob add -- <command>` with an argument array; the new job's ID.
    func addJob(arguments command: [String]) async throws -> String {
        let outcome = try await gob(["add", "--"] + command)
        #expect(outcome.status == 0, "\(outcome)")
        let line = try #require(outcome.stdout.split(separator: "\n").first, "\(outcome)")
        return String(line.dropFirst("Added job ".count).prefix { $0 != " " })
    }

    /// The daemon still answers.
    func daemonAnswers() async throws -> Bool {
        try await gob("ping").stdout == "pong\n"
    }

    /// The daemon log's text.
    var daemonLog: String { (try? String(contentsOfFile: paths.daemonLog, encoding: .utf8)) ?? "" }
}

/// Opens a connection and keeps it, sending `bytes` (maybe nothing) and never reading.
final class IdleConnection: @unchecked Sendable {
    // @unchecked: owned by one test.
    let fd: Int32

    init?(socket path: String, sending bytes: [UInt8] = []) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            _ = Glibc.close(fd)
            return nil
        }
        if !bytes.isEmpty { _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
        self.fd = fd
    }

    /// Whether the daemon has closed its end (a read sees end of file).
    var closedByPeer: Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 0) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) == 0
    }

    deinit { _ = Glibc.close(fd) }
}

/// Polls an async `condition` until it holds or `timeout` passes.
func eventuallyAsync(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try await condition() { return true }
        if clock.now > deadline { return false }
        try await Task.sleep(for: .milliseconds(20))
    }
}
