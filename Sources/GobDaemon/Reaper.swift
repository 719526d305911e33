#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol

/// Reaps every child of the daemon the moment it ends (contract §4.7): one thread blocked
/// in `waitpid(-1)`, so exits are learnt without polling and no zombie lingers. Job
/// descendants orphaned by their parent are reparented to the daemon (it is a child
/// subreaper on Linux) and reaped here too.
public final class Reaper: Sendable {
    /// Whether a child may exist since `waitpid` last said there was none.
    private let mayHaveChildren = ConditionLock(false)

    public init() {}

    /// Tells the reaper a child was started; call after every spawn.
    public func childStarted() {
        mayHaveChildren.withLockBroadcasting { $0 = true }
    }

    /// Starts the reaping thread; `onExit` gets every reaped child's PID and wait status.
    public func start(onExit: @escaping @Sendable (_ pid: Int32, _ status: Int32) -> Void) -> Bool {
        DetachedThread.start { [self] in loop(onExit) }
    }

    private func loop(_ onExit: @Sendable (_ pid: Int32, _ status: Int32) -> Void) {
        while true {
            mayHaveChildren.withLock { $0 = false }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid > 0 {
                onExit(pid, status)
            } else if errno == ECHILD {
                _ = mayHaveChildren.wait { $0 ? true : nil }
            }
        }
    }
}
