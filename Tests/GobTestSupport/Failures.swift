import Synchronization

/// Notes of what went wrong, collected from many threads at once.
public final class Failures: Sendable {
    private let notes = Mutex<[String]>([])

    public init() {}

    public func add(_ note: String) {
        notes.withLock { $0.append(note) }
    }

    public var all: [String] { notes.withLock { $0 } }
}
