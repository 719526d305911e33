import Glibc
import CGobShims
import GobSystem

/// SIGINT and SIGTERM as a readable descriptor, for follow loops that must end cleanly when
/// the user interrupts them (exit status 130, docs/exit-codes.md).
public enum SignalPipe {
    /// Installs the handlers; returns the descriptor to poll, or nil when that failed.
    public static func interrupts() -> Int32? {
        let signals: [Int32] = [SIGINT, SIGTERM]
        let fd = signals.withUnsafeBufferPointer { gob_signal_pipe($0.baseAddress, Int32($0.count)) }
        return fd >= 0 ? fd : nil
    }

    /// Whether a signal arrived (drains the pipe).
    public static func received(_ fd: Int32) -> Bool {
        Descriptor.drain(fd)
    }
}
