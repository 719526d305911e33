import Glibc
import Synchronization

/// The process's inotify instances, made and closed here so that they can be found.
///
/// Closing the last descriptor of an instance makes the closing thread wait until the
/// kernel has retired its watches (an RCU grace period: 2–20 ms on the development
/// machine), and `execve` closes the close-on-exec ones on the new image's way to `main`.
/// The daemon's in-place restart therefore hands its instances to the next image, which
/// closes them on a thread of its own once it serves (`InheritedDescriptors.released`).
public enum InotifyInstances {
    private static let registry = Mutex<Set<Int32>>([])

    /// A new instance, non-blocking and close-on-exec; -1 (with `errno` set) when none
    /// can be had.
    public static func make() -> Int32 {
        var failure: Int32 = 0
        let fd = registry.withLock { open -> Int32 in
            let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
            if fd >= 0 { open.insert(fd) } else { failure = errno }
            return fd
        }
        if fd < 0 { errno = failure }
        return fd
    }

    /// Closes an instance `make` returned. Under the registry's lock, so that its number
    /// is not given to another descriptor while `withEach` holds the list.
    public static func close(_ fd: Int32) {
        registry.withLock { open in
            open.remove(fd)
            Descriptor.close(fd)
        }
    }

    /// Runs `body` with the instances open now; none is made or closed until it returns
    /// (an `execve` in `body` that succeeds never returns).
    public static func withEach<T>(_ body: ([Int32]) -> T) -> T {
        registry.withLock { open in body(open.sorted()) }
    }
}
