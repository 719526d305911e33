import Glibc
import GobSystem

/// The descriptors an in-place restart carries from one image of the daemon to the next
/// (`execve` keeps every descriptor without close-on-exec): the listening socket, whose
/// backlog holds the connections that arrive meanwhile; the locks on `daemon.pid` and
/// on the state directory, so no other daemon can start in between; and the connection
/// of the client that asked, which the new image answers once it serves (none when the
/// daemon restarted itself). They are named to the new image in one environment
/// variable, never in a file.
///
/// With them go the previous image's inotify instances (`released`), which the new image
/// only closes, once it serves: `execve` would close them on the new image's way to
/// `main`, waiting for the kernel to retire their watches (`InotifyInstances`): 2–40 ms
/// on the development machine, before the new image could do anything.
struct InheritedDescriptors: Sendable, Equatable {
    /// The variable that names them: `listen=3,pid=4,state=5,reply=6,released=7.8`
    /// (`reply` and `released` left out when there are none).
    static let variable = "GOB_DAEMON_INHERIT"

    var listen: Int32
    var pidLock: Int32
    var stateLock: Int32
    var reply: Int32?
    /// The previous image's inotify instances, for the new image to close.
    var released: [Int32] = []

    /// The variable's value.
    var encoded: String {
        "listen=\(listen),pid=\(pidLock),state=\(stateLock)" + (reply.map { ",reply=\($0)" } ?? "")
            + (released.isEmpty ? "" : ",released=" + released.map(String.init).joined(separator: "."))
    }

    var all: [Int32] { [listen, pidLock, stateLock] + (reply.map { [$0] } ?? []) + released }

    /// Parses the variable's value; nil unless it names each of the three descriptors
    /// (and the reply's and the released ones, if any) once.
    init?(encoded: String) {
        var values: [Substring: Int32] = [:]
        var released: [Int32] = []
        for part in encoded.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            if pair[0] == "released" {
                for number in pair[1].split(separator: ".", omittingEmptySubsequences: false) {
                    guard let fd = Int32(number), fd > 2 else { return nil }
                    released.append(fd)
                }
                continue
            }
            guard let fd = Int32(pair[1]), fd > 2 else { return nil }
            values[pair[0]] = fd
        }
        guard let listen = values["listen"], let pidLock = values["pid"], let stateLock = values["state"] else { return nil }
        self.init(listen: listen, pidLock: pidLock, stateLock: stateLock, reply: values["reply"])
        self.released = released
        guard Set(all).count == all.count else { return nil }
    }

    init(listen: Int32, pidLock: Int32, stateLock: Int32, reply: Int32?) {
        self.listen = listen
        self.pidLock = pidLock
        self.stateLock = stateLock
        self.reply = reply
    }

    /// The descriptors the previous image left this one, taken out of the environment
    /// (so nothing started later sees the variable) and made close-on-exec again; nil
    /// for a daemon started afresh. Only descriptors that are open are taken: the
    /// variable of a daemon started by hand with a stale value names nothing usable.
    static func take() -> InheritedDescriptors? {
        guard let raw = getenv(variable) else { return nil }
        let value = String(cString: raw)
        unsetenv(variable)
        guard var inherited = InheritedDescriptors(encoded: value) else { return nil }
        // Only what is an inotify instance now, before this image makes one of its own,
        // is the previous image's: anything else under such a number is left alone.
        inherited.released.removeAll { !Self.isInotifyInstance($0) }
        for fd in inherited.all {
            let flags = fcntl(fd, F_GETFD)
            guard flags >= 0 else { return nil }
            _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC)
        }
        var info = stat()
        let sockets = [inherited.listen] + (inherited.reply.map { [$0] } ?? [])
        guard sockets.allSatisfy({ fstat($0, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK }) else {
            // Not what an in-place restart leaves: let go of them, locks included.
            for fd in inherited.all { Descriptor.close(fd) }
            return nil
        }
        return inherited
    }

    /// Whether descriptor `fd` is an inotify instance.
    static func isInotifyInstance(_ fd: Int32) -> Bool {
        ProcFiles.link("/proc/self/fd/\(fd)") == Array("anon_inode:inotify".utf8)
    }

    /// Closes the previous image's inotify instances (which waits for the kernel: on a
    /// thread of its own, once this image serves).
    func closeReleased() {
        for fd in released { Descriptor.close(fd) }
    }

    /// Clears close-on-exec on each, so that `execve` keeps them; false (and nothing
    /// changed) when one is not open.
    func keepAcrossExec() -> Bool {
        for fd in all {
            let flags = fcntl(fd, F_GETFD)
            guard flags >= 0, fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) == 0 else {
                closeOnExec()
                return false
            }
        }
        return true
    }

    /// Sets close-on-exec again (an exec that failed).
    func closeOnExec() {
        for fd in all {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}
