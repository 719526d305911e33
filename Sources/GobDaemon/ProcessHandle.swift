import CGobShims
import Glibc

/// A pidfd of a job's leader, held from the moment the process was born: it names that
/// process (and, on Linux 6.9 and later, its process group) however its number is reused
/// later, so gob never signals a stranger through it.
public final class ProcessHandle: Sendable {
    public let pid: Int32
    public let descriptor: Int32

    /// Takes ownership of `descriptor`, a pidfd of `pid`.
    public init(pid: Int32, descriptor: Int32) {
        self.pid = pid
        self.descriptor = descriptor
    }

    deinit { _ = close(descriptor) }

    /// Signals every process of the leader's group; 0 or errno (ESRCH: none is left).
    public func signalGroup(_ signal: Int32) -> Int32 {
        gob_pidfd_signal_group(descriptor, signal)
    }

    /// Signals the leader alone; 0 or errno (ESRCH: it has ended).
    public func signalLeader(_ signal: Int32) -> Int32 {
        gob_pidfd_signal(descriptor, signal)
    }

    /// Whether the leader has ended (it may still be a zombie).
    public var hasExited: Bool { gob_pidfd_exited(descriptor) == 1 }

    /// Whether this kernel signals a process group through a pidfd (Linux 6.9): tried once
    /// on this process's own group with signal 0.
    public static let canSignalGroups: Bool = {
        let fd = gob_pidfd_open(getpid())
        guard fd >= 0 else { return false }
        defer { _ = close(fd) }
        return gob_pidfd_signal_group(fd, 0) == 0
    }()
}
