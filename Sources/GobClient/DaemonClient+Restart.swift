import Glibc
import GobProtocol
import GobSystem

extension DaemonClient {
    /// How long the old image may take to finish the requests it serves (a stop waits up
    /// to 15 s) and the new one to read its jobs back.
    static let restartTimeoutMilliseconds: Int64 = 60_000

    /// Asks the daemon to re-execute itself in place (`daemon_restart`): same PID, its
    /// jobs running on, from `executable` (nil: the file it was started from). The reply
    /// comes from the new image, once it serves. Never starts a daemon: nil when none
    /// runs. A success carries `pid` (unchanged), `version` (the one the daemon runs now)
    /// and `jobs_running`.
    public func restartInPlace(executable: String? = nil) throws(ClientError) -> Response? {
        guard let socket = try connectIfRunning() else { return nil }
        let pid = socket.peerPID
        do { try socket.writeAll(Self.line(for: .daemonRestart(executable: executable), requestID: nil)) } catch {
            if error.code == EAGAIN || error.code == EWOULDBLOCK { throw .notResponding(pid: pid) }
            throw .send(detail: "write unix \(paths.socket): \(error)")
        }
        socket.setTimeout(milliseconds: try bounded(Self.restartTimeoutMilliseconds))
        let reply: ReplyLine
        do { reply = try socket.readLine(limit: Int.max) } catch {
            if error.code == EAGAIN || error.code == EWOULDBLOCK { throw .notResponding(pid: pid) }
            throw .decode(detail: "read unix \(paths.socket): \(error)")
        }
        // Closed without a reply: the new image could not start (its log says why).
        guard reply.count > 0 else { throw .daemonStopped }
        return try Self.decode(reply)
    }
}

extension DaemonClient {
    /// After the daemon refused this client's version: when this gob is newer
    /// (`GobVersion.upgrades`), asks the daemon to re-execute itself in place into this
    /// gob's daemon executable (`gob-daemon` beside it), and says so in one line on stderr (`gob: daemon upgraded
    /// 1.2.0 → 1.3.0; 5 jobs kept running`). True when the daemon now runs this gob: the
    /// request is then sent again. An older gob, or a daemon that cannot restart in
    /// place (an older daemon does not know the request), leaves the refusal as it is.
    func upgradeDaemon() -> Bool {
        // `status` is answered whatever the version.
        guard let statusLine = try? exchangeWithRetries(.status, mayUpgrade: false), let status = try? Self.decode(statusLine),
              status.success,
              let daemon = status["protocol"]?.stringValue, GobVersion.upgrades(daemon: daemon),
              let executable = try? ExecutablePath.daemon(),
              let reply = try? restartInPlace(executable: executable), reply.success
        else { return false }
        let from = status["version"]?.stringValue ?? daemon
        let kept = reply["jobs_running"]?.intValue ?? 0
        let line = "gob: daemon upgraded \(from) → \(reply["version"]?.stringValue ?? GobVersion.current); "
            + "\(kept) job\(kept == 1 ? "" : "s") kept running\n"
        Descriptor.writeAllIgnoringErrors(2, Array(line.utf8), to: .file)
        return true
    }

    /// Whether a reply is the refusal of a daemon of another version.
    static func isVersionMismatch(_ reply: ReplyLine) -> Bool {
        let isFailure = reply.withBytes { bytes in !bytes.starts(with: #"{"success":true"#.utf8) }
        guard isFailure, let response = try? decode(reply) else { return false }
        return response.code == .versionMismatch
    }
}
