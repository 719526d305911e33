/// Why a request to the daemon failed, split the way docs/output.md words it: a failed
/// connection is reported on its own, while transport failures are wrapped by each
/// command's own prefix.
public enum ClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No connection: `cause` follows `failed to connect to daemon: `.
    case connect(cause: String)
    /// The request could not be written or the connection failed before a full reply:
    /// `failed to send request: <detail>`.
    case send(detail: String)
    /// The reply was not a response object: `failed to decode response: <detail>`.
    case decode(detail: String)
    /// The daemon took the connection but did not answer within the request's time
    /// bound (stopped with SIGSTOP, or blocked). `pid` is 0 when unknown.
    case notResponding(pid: Int32)
    /// The daemon went away while the command was attached to it, and no daemon took
    /// the request over.
    case daemonStopped
    /// The command's own deadline (`await --timeout`) passed while talking to the daemon.
    case timedOut

    /// The error text without any command prefix.
    public var description: String {
        switch self {
        case let .connect(cause): "failed to connect to daemon: \(cause)"
        case let .send(detail): "failed to send request: \(detail)"
        case let .decode(detail): "failed to decode response: \(detail)"
        case let .notResponding(pid): pid > 0 ? "daemon (PID \(pid)) is not responding" : "the gob daemon is not responding"
        case .daemonStopped: "the gob daemon stopped"
        case .timedOut: "timed out before the gob daemon answered"
        }
    }

    /// True for failures that are reported without a command's own prefix: the daemon
    /// could not be reached, did not answer, or went away.
    public var isConnectFailure: Bool {
        switch self {
        case .connect, .notResponding, .daemonStopped, .timedOut: true
        case .send, .decode: false
        }
    }

    /// The exit status a command ends with for this failure: 125 when the daemon could
    /// not be reached, did not answer or went away (so it cannot be mistaken for a job's
    /// own status), 124 for the command's deadline, 1 otherwise.
    public var exitStatus: Int32 {
        switch self {
        case .connect, .notResponding, .daemonStopped: 125
        case .timedOut: 124
        case .send, .decode: 1
        }
    }
}
