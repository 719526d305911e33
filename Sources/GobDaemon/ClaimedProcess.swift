import Glibc
import CGobShims

/// A process of a job's tree held by a pidfd that provably names the process a lookup
/// found: the pidfd is opened first, then the process now holding the PID is checked
/// against the start time found. If it is another (the one found ended and its number
/// was reused), nothing is claimed; if the one found ends later, the pidfd still names
/// it, and signals sent through it reach no one else.
final class ClaimedProcess: Sendable {
    let process: TreeProcess
    private let descriptor: Int32

    private init(process: TreeProcess, descriptor: Int32) {
        self.process = process
        self.descriptor = descriptor
    }

    deinit { _ = close(descriptor) }

    /// A hold on `process`, or nil when its PID no longer names it (or it is gone).
    static func claim(_ process: TreeProcess) -> ClaimedProcess? {
        let descriptor = gob_pidfd_open(process.pid)
        guard descriptor >= 0 else { return nil }
        guard TreeProcess.read(process.pid)?.startTime == process.startTime else {
            _ = close(descriptor)
            return nil
        }
        return ClaimedProcess(process: process, descriptor: descriptor)
    }

    /// Sends `signal` to the process; 0 or the errno (ESRCH: it has ended; EPERM: it
    /// belongs to another user now).
    func signal(_ signal: Int32) -> Int32 {
        gob_pidfd_signal(descriptor, signal)
    }

    /// Whether it has ended (a zombie has: it cannot act any more).
    var hasExited: Bool { gob_pidfd_exited(descriptor) != 0 }
}
