/// Why a request to the daemon failed, split the way the contract words it (§1.5): a
/// failed connection is reported on its own, while transport failures are wrapped by each
/// command's own prefix.
public enum ClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No connection: `cause` follows `failed to connect to daemon: `.
    case connect(cause: String)
    /// The request could not be written or the connection failed before a full reply:
    /// `failed to send request: <detail>`.
    case send(detail: String)
    /// The reply was not a response object: `failed to decode response: <detail>`.
    case decode(detail: String)

    /// The error text without any command prefix.
    public var description: String {
        switch self {
        case let .connect(cause): "failed to connect to daemon: \(cause)"
        case let .send(detail): "failed to send request: \(detail)"
        case let .decode(detail): "failed to decode response: \(detail)"
        }
    }

    /// True for connection failures, which commands report without their own prefix.
    public var isConnectFailure: Bool {
        if case .connect = self { return true }
        return false
    }
}
