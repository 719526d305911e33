import GobClient
import GobProtocol

/// A command's access to the daemon: sends one request per connection and turns every
/// failure into the command's contract wording (§1.5 and each command's section).
struct DaemonSession {
    /// How a command prefixes the errors of one request.
    struct ErrorWording {
        /// Put before transport and daemon errors, e.g. `failed to add job: `.
        var command: String
        /// Put before the daemon's own error, after `command`, e.g. `add failed: `.
        var daemon: String

        /// Errors are printed as they come (start, stop, restart, signal, remove).
        static let verbatim = ErrorWording(command: "", daemon: "")
    }

    let client = DaemonClient(paths: RuntimePaths.current())

    /// Sends `request` and returns the successful reply; connection failures are
    /// reported unprefixed, everything else with `wording`.
    func send(_ request: Request, wording: ErrorWording) throws(CommandFailure) -> Response {
        let response: Response
        do { response = try client.send(request) } catch {
            if error.isConnectFailure { throw CommandFailure(error.description) }
            throw CommandFailure(wording.command + error.description)
        }
        guard response.success else {
            throw CommandFailure(wording.command + wording.daemon + (response.error ?? "unknown error"))
        }
        return response
    }

    /// The client's working directory by the rule of §1.6.
    static func workingDirectory() throws(CommandFailure) -> String {
        do { return try WorkingDirectory.current() } catch {
            throw CommandFailure("failed to get current directory: \(error)")
        }
    }
}

extension Response {
    /// The integer `data` member `key` of a successful reply, or a decode failure.
    func integer(_ key: String, wording: DaemonSession.ErrorWording) throws(CommandFailure) -> Int64 {
        guard let value = self[key]?.intValue else {
            throw CommandFailure(wording.command + "failed to decode response: missing \(key)")
        }
        return value
    }

    /// The `data.job` of a successful reply, or a decode failure.
    func requireJob(wording: DaemonSession.ErrorWording) throws(CommandFailure) -> JobSnapshot {
        guard let job else { throw CommandFailure(wording.command + "failed to decode response: missing job") }
        return job
    }
}
