/// The state of the event subscription.
public enum Connection: Equatable, Sendable {
    /// Opening the first subscription.
    case connecting
    case connected
    /// The subscription failed or ended; a new one is tried every second.
    case lost(String)
}
