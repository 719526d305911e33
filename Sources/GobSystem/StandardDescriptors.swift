import Glibc

/// Descriptors 0, 1 and 2 as every later step expects them: open. A command started with
/// any of them closed would otherwise get a socket, the start lock or the daemon's
/// readiness pipe under that number, and then print into the daemon's connection or hand
/// the new daemon `/dev/null` in place of its readiness pipe.
public enum StandardDescriptors {
    /// Opens `/dev/null` on each of 0, 1 and 2 that is closed (three `fcntl`s when none is).
    public static func ensureOpen() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) < 0 && errno == EBADF {
            let opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            // open returns the lowest free number, which is this one since lower ones are open.
            if opened >= 0 && opened != fd {
                _ = dup2(opened, fd)
                close(opened)
            }
        }
    }
}
