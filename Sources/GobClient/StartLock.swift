import Glibc
import GobProtocol
import GobSystem

/// The exclusive lock `<rt>/daemon.lock` that makes concurrent first commands start
/// exactly one daemon. Released when the value goes away.
struct StartLock: ~Copyable {
    private let fd: Int32

    /// Takes the lock, retrying a non-blocking `flock` every few milliseconds so a stuck
    /// holder cannot hang the client forever. The file is opened relative to the checked
    /// descriptor of `<rt>`, never following a symlink, so nothing planted under that name
    /// is created or locked elsewhere; `path` is for messages.
    init(directory: Int32, path: String, timeoutNanoseconds: Int64) throws(ClientError) {
        let fd = openat(directory, "daemon.lock", O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw ClientError.connect(cause: "failed to open lock file \(path): \(SystemError.last)")
        }
        let deadline = MonotonicClock.now() + timeoutNanoseconds
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(fd)
                throw ClientError.connect(cause: "failed to lock \(path): \(SystemError(code))")
            }
            guard MonotonicClock.now() < deadline else {
                close(fd)
                throw ClientError.connect(cause: "timed out waiting for the daemon start lock \(path)")
            }
            MonotonicClock.sleep(milliseconds: 5)
        }
        self.fd = fd
    }

    deinit {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}
