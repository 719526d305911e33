import Glibc
import Foundation
import GobProtocol

/// The sandbox's daemon seen from outside: raw requests, its log, its resources.
extension Sandbox {
    /// One request straight to the socket, blocking the calling thread (for threads of
    /// their own, see `offThePool`); the decoded reply, or nil when the daemon closed
    /// without a readable one.
    public func raw(_ json: String) -> Response? {
        let reply = RawConnection.exchange(socket: paths.socket, sending: Array((json + "\n").utf8))
        return (try? JSON(parsing: reply)).flatMap(Response.init(json:))
    }

    /// One request straight to the socket, from a test's task.
    public func rawReply(_ json: String) async -> Response? {
        let reply = await RawConnection.reply(socket: paths.socket, sending: Array((json + "\n").utf8))
        return (try? JSON(parsing: reply)).flatMap(Response.init(json:))
    }

    /// The `add` request of `command` in the sandbox's workdir with its environment
    /// marker, so teardown finds the job.
    public func addRequest(_ command: [String]) -> String {
        let spec = JobSpec(
            command: command.map { OSString($0) }, workdir: OSString(workdir),
            environment: ["PATH=/usr/bin:/bin", OSString(marker)])
        return Request.add(spec).json.compact
    }

    /// A raw `add` of `command` (see `addRequest`), blocking the calling thread; the
    /// reply's job.
    public func rawAdd(_ command: [String]) -> JobSnapshot? {
        raw(addRequest(command))?.job
    }

    /// A handle on the running daemon (the one its PID file names), to wait for its end
    /// or signal it.
    public func daemonProcess() throws -> ProcessHandle {
        guard let pid = daemonPID, let handle = ProcessHandle(pid) else {
            throw SandboxFailure("no daemon runs in \(paths.directory)")
        }
        return handle
    }

    /// Whether something accepts connections on the socket now (the file alone appears
    /// a moment before the daemon listens on it).
    public var socketAnswers: Bool {
        guard let fd = UnixSocket.connect(to: paths.socket) else { return false }
        close(fd)
        return true
    }

    /// The daemon still answers.
    public func daemonAnswers() async throws -> Bool {
        try await gob("ping").stdout == "pong\n"
    }

    /// The daemon log's text.
    public var daemonLog: String { (try? String(contentsOfFile: paths.daemonLog, encoding: .utf8)) ?? "" }

    /// Number of descriptors the daemon has open.
    public func daemonDescriptorCount() -> Int? {
        guard let pid = daemonPID else { return nil }
        return (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    /// The daemon's descriptors once its start-up work is done, for tests that check it
    /// leaks none. What it opens once and keeps, the log limiter's thread and its
    /// descriptors, is opened by that work after the daemon answers (on a busy machine,
    /// well after): a count taken before could miss them.
    public func daemonDescriptorBaseline() async throws -> Int? {
        try await waitForDaemonLog("Start-up work done")
        return daemonDescriptorCount()
    }

    /// Resident memory of the daemon in KiB.
    public func daemonResidentKiB() -> Int? {
        guard let pid = daemonPID,
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.filter(\.isNumber))
    }

    /// Zombie children of the daemon (it reaps at once; there should never be any for
    /// long).
    public func daemonZombies() -> [pid_t] {
        guard let daemon = daemonPID else { return [] }
        return ProcessScan.children(of: daemon).filter { ProcessScan.entry($0)?.state == "Z" }
    }

    /// A subscription to the daemon's job events, registered before this returns.
    public func subscribe() async throws -> DaemonSubscription {
        try await DaemonSubscription.open(socket: paths.socket, daemonLog: paths.daemonLog)
    }
}
