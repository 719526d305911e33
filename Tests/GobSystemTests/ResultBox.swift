import GobSystem
import Synchronization

/// A value handed from a thread to the test, waited for with a generous failsafe.
final class ResultBox: Sendable {
    private let value = Mutex<[UInt8]?>(nil)

    func set(_ bytes: [UInt8]) { value.withLock { $0 = bytes } }

    /// The value, once set; nil when 60 s passed without it.
    func wait() -> [UInt8]? {
        let deadline = MonotonicClock.deadline(seconds: 60)
        while MonotonicClock.now() < deadline {
            if let bytes = value.withLock({ $0 }) { return bytes }
            MonotonicClock.sleep(milliseconds: 1)
        }
        return nil
    }
}
