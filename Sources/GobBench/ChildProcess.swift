import Glibc
import CGobShims
import GobSystem

/// A process this benchmark spawned and has not reaped yet.
struct ChildProcess {
    let pid: pid_t
    /// The command line, for messages.
    let display: String

    /// Waits until the child exits and reaps it. Past `deadline` the child is killed with
    /// SIGKILL, reaped, and a timeout is thrown.
    ///
    /// Waiting is poll(2) on a SIGCHLD self-pipe plus `waitpid(WNOHANG)`, so a hung child
    /// cannot hang the benchmark; it costs a few microseconds, the same for gob and tmux.
    func wait(deadline: Int64) throws(BenchError) -> ProcessEnd {
        let signalFD = ChildProcess.sigchldPipe
        while true {
            Descriptor.drain(signalFD)
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return ProcessEnd(waitStatus: status) }
            if reaped < 0, errno != EINTR {
                throw BenchError("waitpid for `\(display)`: \(SystemError.last)")
            }
            let timeout = MonotonicClock.pollTimeout(until: deadline)
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
            throw BenchError("cannot route SIGCHLD to a pipe: \(SystemError.last)")
        }
    }
}
