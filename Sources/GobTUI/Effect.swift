import GobProtocol

/// Something `Update` asks the runtime to do; the result, if any, comes back as a
/// `Message`. Keeping these as values keeps `Update` pure and testable.
public enum Effect: Equatable, Sendable {
    /// Close the current subscription and open one for `workdir` (all when nil); answered
    /// by `.subscribed` or `.subscriptionFailed`.
    case subscribe(workdir: OSString?)
    /// Send `request` on its own connection without blocking the UI;
    /// answered by `.replied(purpose, …)`.
    case send(Request, Purpose)
    /// Tail these log files from their beginning (nil: none); answered by `.logData`.
    case tailLogs(LogSource?)
    /// Put `text` on the system clipboard; answered by `.copied`.
    case copy(String)
    /// Deliver `.statusExpired(serial)` after `milliseconds`.
    case expireStatus(serial: Int, milliseconds: Int)
    /// Deliver `.reconnectDue` after `milliseconds`.
    case reconnect(milliseconds: Int)
    /// Read the gobfile governing `workdir` off the event loop; answered by `.gobfileLoaded`.
    case loadGobfile(workdir: OSString)
    /// Leave the UI and give the terminal back.
    case quit
}
