import Glibc
import GobSystem
import Synchronization

/// The queue of requests to a daemon thread that sleeps in `poll` on inotify and a
/// wake-up pipe (`DetachedThread.startWakeableWatching`), started by the first request
/// that needs it: the readiness watcher's and the log limiter's.
///
/// A sender only appends and writes a byte to the pipe (memory and one `write`, so it may
/// hold the job table's lock); the thread takes every queued request at each wake-up.
final class WakeableInbox<Command: Sendable>: Sendable {
    private struct State {
        var commands: [Command] = []
        /// The wake-up pipe, once the thread runs.
        var wake: (read: Int32, write: Int32)?
    }

    private let state = Mutex(State())

    /// Queues `command` and wakes the thread. A byte is written only when the queue was
    /// empty: queued requests have already woken the thread, which takes them all (a
    /// thousand runs taken back by an in-place restart wake it once, not a thousand times).
    ///
    /// With no thread yet, a `starting` request starts it, running `body`. Any other
    /// request concerns only what requests still queued from a start that failed would
    /// have made (a thread that never ran watches nothing): it is queued behind them, or
    /// dropped when there are none.
    ///
    /// Returns why the thread could not start; the requests then stay queued, and the
    /// next starting request tries again.
    func send(
        _ command: Command, starting: Bool,
        thread body: @escaping @Sendable (_ wakeFD: Int32, _ inotify: Int32, _ noInotify: SystemError?) -> Void
    ) -> String? {
        state.withLock { state -> String? in
            let wasEmpty = state.commands.isEmpty
            if let wake = state.wake {
                state.commands.append(command)
                if wasEmpty {
                    var byte: UInt8 = 1
                    _ = Glibc.write(wake.write, &byte, 1)
                }
                return nil
            }
            guard starting else {
                if !wasEmpty { state.commands.append(command) }
                return nil
            }
            state.commands.append(command)
            do throws(DetachedThread.WakeableStartFailure) {
                state.wake = try DetachedThread.startWakeableWatching(body)
            } catch {
                return error.description
            }
            return nil
        }
    }

    /// Every queued request, in order, leaving the queue empty: what the thread takes
    /// when it wakes.
    func take() -> [Command] {
        state.withLock { state in
            defer { state.commands.removeAll() }
            return state.commands
        }
    }
}
