import Glibc
import GobClient
import GobProtocol
import GobSystem

/// A command's access to the daemon: sends one request per connection and turns every
/// failure into one line in plain words, with the daemon's error code (or the client's
/// own when the daemon could not answer).
struct DaemonSession {
    /// How a command introduces the errors of one request.
    struct ErrorWording {
        /// Put before the daemon's and the transport's errors, e.g. `failed to add job: `.
        var prefix: String

        /// Errors are printed as they come (start, stop, restart, signal, remove): the
        /// daemon's message already names the job.
        static let verbatim = ErrorWording(prefix: "")
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

    /// `list --json`: the daemon sends the output itself (`list_json`, made once for each
    /// state of its table), which is copied to stdout as it arrives; a failure prints
    /// nothing there.
    func printListJSON(_ request: Request, wording: ErrorWording) throws(CommandFailure) {
        let reply: Response
        do { reply = try client.sendRelaying(request, to: STDOUT_FILENO) } catch {
            throw Self.failure(error, wording: wording)
        }
        // On success the output is out already; a failure is only its reply line.
        try Self.check(reply, wording: wording)
    }

    /// `send` for `list`: the reply's jobs, read straight from its bytes
    /// (`JobListTranscoder.jobs`) without a JSON value; a reply without jobs is a decode
    /// failure.
    func sendList(_ request: Request, wording: ErrorWording) throws(CommandFailure) -> [JobSnapshot] {
        let line: ReplyLine
        do { line = try client.sendForLine(request) } catch {
            throw Self.failure(error, wording: wording)
        }
        var jobs: [JobSnapshot]?
        let response: Response?
        do { response = try line.withBytes { bytes throws(JSONError) in try JobListTranscoder.jobs(bytes, into: &jobs) } } catch {
            throw Self.failure(.decode(detail: error.description), wording: wording)
        }
        // Moved out of the optional, not copied: a copy went through the value witness
        // of `Response?` and had the runtime build that type from its mangled name.
        guard let reply = consume response else {
            throw Self.failure(.decode(detail: "reply is not a response object"), wording: wording)
        }
        try Self.check(reply, wording: wording)
        guard let jobs else { throw Self.missing("jobs", wording: wording) }
        return jobs
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

    /// A request that could not be made or answered.
    static func failure(_ error: ClientError, wording: ErrorWording) -> CommandFailure {
        let message = error.isConnectFailure ? error.description : wording.prefix + error.description
        return CommandFailure(message, code: error.code, exitStatus: error.exitStatus)
    }

    /// A reply that lacks a member it must have: the daemon speaks another protocol.
    static func missing(_ member: String, wording: ErrorWording) -> CommandFailure {
        CommandFailure(wording.prefix + "failed to decode response: missing \(member)", code: .internal)
    }

    /// The reply when it is a success, else the daemon's message with its code.
    static func checked(_ response: Response, wording: ErrorWording) throws(CommandFailure) -> Response {
        try check(response, wording: wording)
        return response
    }

    /// Throws the daemon's message with its code unless the reply is a success; returns
    /// nothing, so that `list` copies no response.
    static func check(_ response: Response, wording: ErrorWording) throws(CommandFailure) {
        guard response.success else {
            let message = response.error ?? "unknown error"
            let code = response.code ?? .internal
            // A daemon of another version says what to do, and a blocked command says
            // why: no prefix in front of either.
            if code == .versionMismatch || code == .blocked { throw CommandFailure(message, code: code) }
            throw CommandFailure(wording.prefix + message, code: code)
        }
    }

    /// The client's working directory (the logical `$PWD` when it names this directory).
    static func workingDirectory() throws(CommandFailure) -> OSString {
        do { return try WorkingDirectory.current() } catch {
            throw CommandFailure("failed to get current directory: \(error)", code: .ioError)
        }
    }
}

extension ClientError {
    /// The code a command reports for a request that got no usable answer.
    var code: ErrorCode {
        switch self {
        case .connect, .send, .notResponding, .daemonStopped: .daemonUnavailable
        case .timedOut: .timedOut
        case .decode: .internal
        }
    }
}

extension Response {
    /// The integer `data` member `key` of a successful reply, or a decode failure.
    func integer(_ key: String, wording: DaemonSession.ErrorWording) throws(CommandFailure) -> Int64 {
        guard let value = self[key]?.intValue else { throw DaemonSession.missing(key, wording: wording) }
        return value
    }

    /// The `data.job` of a successful reply, or a decode failure.
    func requireJob(wording: DaemonSession.ErrorWording) throws(CommandFailure) -> JobSnapshot {
        guard let job else { throw DaemonSession.missing("job", wording: wording) }
        return job
    }

    /// The `data.jobs` of a successful `list` reply, or a decode failure.
    func requireJobs(wording: DaemonSession.ErrorWording) throws(CommandFailure) -> [JobSnapshot] {
        guard let jobs else { throw DaemonSession.missing("jobs", wording: wording) }
        return jobs
    }
}
