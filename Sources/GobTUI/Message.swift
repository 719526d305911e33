import GobClient
import GobProject
import GobProtocol

/// Everything that can change the model: input, the daemon, log files, timers.
public enum Message: Equatable, Sendable {
    case key(Key)
    case resize(Size)
    /// The subscription asked for by `.subscribe` is open.
    case subscribed
    /// It could not be opened.
    case subscriptionFailed(String)
    /// The open subscription ended (the daemon went away).
    case subscriptionLost(String)
    case events([JobEvent])
    /// The reply to a `.send` effect.
    case replied(Purpose, Result<Response, ClientError>)
    /// Bytes appended to a log of job `jobID`; `restarted`: the file was rewritten first.
    case logData(jobID: String, stream: LogStream, bytes: [UInt8], restarted: Bool)
    /// The clipboard tool finished; nil on success, else why it failed.
    case copied(error: String?)
    /// The gobfile asked for by `.loadGobfile`: nil when there is none.
    case gobfileLoaded(Result<Gobfile?, GobfileError>)
    case statusExpired(serial: Int)
    case reconnectDue
}
