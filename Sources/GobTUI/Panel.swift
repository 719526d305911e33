/// The three panels of the main screen, in `tab` order.
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
