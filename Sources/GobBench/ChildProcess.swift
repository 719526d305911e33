#if canImport(Glibc)
import Glibc
#endif
import CGobShims

/// A process this benchmark spawned and has not reaped yet.
struct ChildProcess {
    /// How a child ended.
    enum Exit: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        /// Decodes a waitpid(2) status (WIFEXITED and friends are C macros Swift cannot see).
        init(waitStatus status: Int32) {
            if status & 0x7f == 0 {
                self = .exited((status >> 8) & 0xff)
            } else {
                self = .signaled(status & 0x7f)
            }
        }

        var description: String {
            switch self {
            case let .exited(code): "exited with status \(code)"
            case let .signaled(signal): "was killed by signal \(signal)"
            }
        }
    }

    let pid: pid_t
    /// The command line, for messages.
    let display: String

    /// Waits until the child exits and reaps it. Past `deadline` the child is killed with
    /// SIGKILL, reaped, and a timeout is thrown.
    ///
    /// Waiting is poll(2) on a SIGCHLD self-pipe plus `waitpid(WNOHANG)`, so a hung child
    /// cannot hang the benchmark; it costs a few microseconds, the same for gob and tmux.
    func wait(deadline: Int64) throws(BenchError) -> Exit {
        let signalFD = ChildProcess.sigchldPipe
        var drain = [UInt8](repeating: 0, count: 64)
        while true {
            while drain.withUnsafeMutableBytes({ read(signalFD, $0.baseAddress, $0.count) }) > 0 {}
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return Exit(waitStatus: status) }
            if reaped < 0, errno != EINTR {
                throw BenchError("waitpid for `\(display)`: \(String(cString: strerror(errno)))")
            }
            let timeout = Monotonic.pollTimeout(until: deadline)
            if timeout == 0 {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw BenchError("`\(display)` timed out")
            }
            var descriptor = pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, timeout)
        }
    }

    /// Waits and throws unless the child exited with status 0.
    func waitForSuccess(deadline: Int64) throws(BenchError) {
        let exit = try wait(deadline: deadline)
        guard exit == .exited(0) else { throw BenchError("`\(display)` \(exit)") }
    }

    /// The read end of a pipe that receives a byte for every SIGCHLD; set up on first use.
    private static let sigchldPipe: Int32 = {
        var signals: [Int32] = [SIGCHLD]
        return gob_signal_pipe(&signals, 1)
    }()

    /// Installs the SIGCHLD handler before any child exists, so no exit goes unnoticed.
    static func prepare() throws(BenchError) {
        guard sigchldPipe >= 0 else {
            throw BenchError("cannot route SIGCHLD to a pipe: \(String(cString: strerror(errno)))")
        }
    }
}
