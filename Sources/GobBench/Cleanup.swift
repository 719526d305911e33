import Glibc
import Foundation
import Synchronization

/// The sandboxes still open, so an interrupted benchmark (Ctrl+C, SIGTERM, SIGHUP) leaves
/// no daemon, tmux server, job or directory behind.
final class Cleanup: Sendable {
    static let shared = Cleanup()

    private let open = Mutex<[Sandbox]>([])

    /// Remembers an open sandbox.
    func register(_ sandbox: Sandbox) {
        open.withLock { $0.append(sandbox) }
    }

    /// Forgets a sandbox once it is closed.
    func unregister(_ sandbox: Sandbox) {
        open.withLock { $0.removeAll { $0 === sandbox } }
    }

    /// Closes every open sandbox, newest first.
    func closeAll() {
        let sandboxes = open.withLock { $0 }
        for sandbox in sandboxes.reversed() { sandbox.close() }
    }

    /// Blocks SIGINT, SIGTERM and SIGHUP in every thread and waits for them on a thread of
    /// their own, which cleans up and exits with 128 + the signal. Call before starting any
    /// other thread (new threads inherit the mask; spawned commands get a clean one).
    static func closeAllOnTermination() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let blocked = set
        Thread.detachNewThread {
            var waitSet = blocked
            var received: Int32 = 0
            guard sigwait(&waitSet, &received) == 0 else { return }
            Console.progress("\ngob-bench: signal \(received), cleaning up")
            Cleanup.shared.closeAll()
            exit(128 + received)
        }
    }
}
