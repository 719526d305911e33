import CGobShims
import Glibc

/// Starts detached OS threads for blocking work: the daemon's accepting, connections,
/// reaper and signal waiter, the TUI's requests.
///
/// Blocking system calls run on dedicated threads rather than Swift concurrency's
/// cooperative pool (as many threads as cores: two on the machines gob is measured on),
/// so a stop waiting 15 s or a slow client can never starve anyone else.
public enum DetachedThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Runs `body` on a new detached thread. Returns false when no thread could be made.
    @discardableResult
    public static func start(stackSize: Int = 512 * 1024, _ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, stackSize)
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attributes, { raw in
            guard let raw else { return nil }
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            box.body()
            return nil
        }, box)
        if rc != 0 {
            Unmanaged<Box>.fromOpaque(box).release()
            return false
        }
        return true
    }
}

extension DetachedThread {
    /// Why a thread with a wake-up pipe could not be started, in words for a log line.
    public struct WakeableStartFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Makes a non-blocking pipe and runs `body` on a new detached thread with its read
    /// end, so that others wake the thread by writing a byte to the write end (returned).
    /// Nothing is left open when either step fails.
    public static func startWakeable(
        _ body: @escaping @Sendable (_ wakeFD: Int32) -> Void
    ) throws(WakeableStartFailure) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard gob_pipe(&fds, 1) == 0 else {
            throw WakeableStartFailure(description: "cannot make its wake-up pipe: \(SystemError.last)")
        }
        let wakeFD = fds[0]
        guard start({ body(wakeFD) }) else {
            Descriptor.close(fds[0])
            Descriptor.close(fds[1])
            throw WakeableStartFailure(description: "cannot start its thread")
        }
        return (fds[0], fds[1])
    }

    /// `startWakeable` for a thread that sleeps on inotify: the inotify descriptor
    /// (non-blocking, close-on-exec) is made first and handed to `body`, so once the thread
    /// is started all it keeps exists, whenever it first gets a CPU. Without inotify,
    /// `body` gets -1 and the reason (the thread then looks on a timer).
    public static func startWakeableWatching(
        _ body: @escaping @Sendable (_ wakeFD: Int32, _ inotify: Int32, _ noInotify: SystemError?) -> Void
    ) throws(WakeableStartFailure) -> (read: Int32, write: Int32) {
        let inotify = InotifyInstances.make()
        let noInotify = inotify < 0 ? SystemError.last : nil
        do {
            return try startWakeable { wakeFD in body(wakeFD, inotify, noInotify) }
        } catch {
            if inotify >= 0 { InotifyInstances.close(inotify) }
            throw error
        }
    }
}
