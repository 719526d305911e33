import CGobShims
import Glibc
import GobSystem
import Synchronization

/// Reaps every child of the daemon the moment it ends: one thread blocked
/// in `waitid`, so exits are learnt without polling and no zombie lingers. Job
/// descendants orphaned by their parent are reparented to the daemon (it is a child
/// subreaper on Linux) and reaped here too.
///
/// A child keeps its PID, and a leader its group's number, until it is reaped, and only
/// this thread reaps: so the thread first waits for an ended child without reaping it,
/// then reaps it while holding `gate`. Whoever holds the gate (`withReapsHeld`) knows that a
/// child it finds not yet reaped stays so until it lets go.
public final class Reaper: Sendable {
    /// Whether a child may exist since `waitid` last said there was none.
    private let mayHaveChildren = ConditionLock(false)
    private let gate = Mutex(())
    /// Held from a reap until its report has been handled, so that an in-place restart
    /// never replaces the image between a child's reap and the record of its end.
    private let reporting = Mutex(())

    public init() {}

    /// Tells the reaper a child was started; call after every spawn.
    public func childStarted() {
        mayHaveChildren.withLockBroadcasting { $0 = true }
    }

    /// Runs `body` while no child is reaped and no reap is being reported: every end
    /// reaped so far has been handed to `onExit` in full.
    public func withReportsHeld<T>(_ body: () -> T) -> T {
        reporting.withLock { _ in body() }
    }

    /// Runs `body` while no child is reaped.
    public func withReapsHeld<T>(_ body: () -> T) -> T {
        gate.withLock { _ in body() }
    }

    /// Starts the reaping thread; `onExit` gets every reaped child's PID and wait status.
    public func start(onExit: @escaping @Sendable (_ pid: Int32, _ status: Int32) -> Void) -> Bool {
        DetachedThread.start { [self] in loop(onExit) }
    }

    private func loop(_ onExit: @Sendable (_ pid: Int32, _ status: Int32) -> Void) {
        while true {
            mayHaveChildren.withLock { $0 = false }
            let pid = gob_wait_exited_child()
            if pid > 0 {
                reporting.withLock { _ in
                    var status: Int32 = 0
                    let reaped = gate.withLock { _ in waitpid(pid, &status, WNOHANG) }
                    if reaped == pid { onExit(pid, status) }
                }
            } else if errno == ECHILD {
                _ = mayHaveChildren.wait { $0 ? true : nil }
            }
        }
    }
}
