import CGobShims
import Glibc

/// Pipes, close-on-exec at both ends from birth (so a job spawned meanwhile on another
/// thread never inherits one): wake-up pipes that a `poll` loop waits on, and pipes that
/// feed a child's standard input.
public enum SystemPipe {
    /// A new pipe; non-blocking at both ends when `nonBlocking` (a wake-up pipe, which
    /// must never block the thread that pokes it nor the one that drains it).
    public static func open(nonBlocking: Bool = false) throws(SystemError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        let rc = gob_pipe(&fds, nonBlocking ? 1 : 0)
        guard rc == 0 else { throw SystemError(rc) }
        return (fds[0], fds[1])
    }

    /// Wakes whoever polls the read end of a wake-up pipe: one byte, dropped when the
    /// pipe is full (a wake-up is already pending then).
    public static func poke(_ writeEnd: Int32) {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }
}
