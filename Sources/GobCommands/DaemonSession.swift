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

    let client: DaemonClient

    /// - Parameter deadline: a `MonotonicClock` instant after which every request of the
    ///   session gives up (`await --timeout` bounds the whole command); nil: none.
    init(deadline: Int64? = nil) {
        client = DaemonClient(paths: RuntimePaths.current(), deadline: deadline)
    }

    /// Sends `request` and returns the successful reply; connection failures are
    /// reported unprefixed, everything else with `wording`.
    func send(_ request: Request, wording: ErrorWording) throws(CommandFailure) -> Response {
        let response: Response
        do { response = try client.send(request) } catch {
            throw Self.failure(error, wording: wording)
        }
        return try Self.checked(response, wording: wording)
    }

    /// `send` for `list --json`: the output for the reply's jobs, transcoded straight
    /// from its bytes (`JobListTranscoder`); a reply without jobs is a decode failure.
    func sendListJSON(_ request: Request, wording: ErrorWording) throws(CommandFailure) -> [UInt8] {
        let line: ReplyLine
        do { line = try client.sendForLine(request) } catch {
            throw Self.failure(error, wording: wording)
        }
        let transcoded: (response: Response, output: [UInt8]?)?
        do { transcoded = try line.withBytes { bytes throws(JSONError) in try JobListTranscoder.transcode(bytes) } } catch {
            throw Self.failure(.decode(detail: error.description), wording: wording)
        }
        guard let transcoded else {
            throw Self.failure(.decode(detail: "reply is not a response object"), wording: wording)
        }
        _ = try Self.checked(transcoded.response, wording: wording)
        guard let output = transcoded.output else {
            throw CommandFailure(wording.command + "failed to decode response: missing jobs")
        }
        return output
    }

    /// Like `send`, but only when a daemon runs: nil when none does, and none is started.
    func sendIfRunning(_ request: Request, wording: ErrorWording) throws(CommandFailure) -> Response? {
        let response: Response?
        do { response = try client.sendIfRunning(request) } catch {
            throw Self.failure(error, wording: wording)
        }
        guard let response else { return nil }
        return try Self.checked(response, wording: wording)
    }

    static func failure(_ error: ClientError, wording: ErrorWording) -> CommandFailure {
        error.isConnectFailure
            ? CommandFailure(error.description, exitStatus: error.exitStatus)
            : CommandFailure(wording.command + error.description, exitStatus: error.exitStatus)
    }

    private static func checked(_ response: Response, wording: ErrorWording) throws(CommandFailure) -> Response {
        guard response.success else {
            let message = response.error ?? "unknown error"
            // A daemon of another version is shown as it is, never behind a prefix.
            if response.code == .versionMismatch { throw CommandFailure(message) }
            throw CommandFailure(wording.command + wording.daemon + message)
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
