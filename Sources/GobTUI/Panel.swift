/// The three panels of the main screen, in `tab` order (contract §6.3).
public enum Panel: Int, Equatable, Sendable, CaseIterable {
    case jobs = 1
    case stdout = 2
    case stderr = 3

    /// The panel `tab` moves to.
    var next: Panel {
        switch self {
        case .jobs: .stdout
        case .stdout: .stderr
        case .stderr: .jobs
        }
    }
}

/// A dialog drawn instead of the main screen (contract §6.5).
public enum Dialog: Equatable, Sendable {
    case newJob(TextInput)
    case help
}

/// A message in the status bar (contract §6.4), shown for 3 s.
public struct StatusMessage: Equatable, Sendable {
    public var text: String
    public var isError: Bool
    /// Identifies this message to its expiry timer.
    public var serial: Int
}

/// The state of the event subscription.
public enum Connection: Equatable, Sendable {
    /// Opening the first subscription.
    case connecting
    case connected
    /// The subscription failed or ended; a new one is tried every second.
    case lost(String)
}
