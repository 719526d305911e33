import GobSystem
import Synchronization

/// Runs blocking work — opening the subscription (which may first start the daemon), a
/// daemon request (a stop may take 15 s), the clipboard tool — on a short-lived thread,
/// and hands its result to the event loop through a pipe the loop polls. The loop itself
/// never blocks on the daemon.
final class BackgroundWork: Sendable {
    /// What a piece of work hands back.
    enum Result: Sendable {
        /// A message for `Update`.
        case message(Message)
        /// A subscription attempt: the stream, when it opened, and the message saying how
        /// it went.
        case subscription(OpenedSubscription, Message)
    }

    /// Readable when results are waiting.
    let descriptor: Int32
    private let writeEnd: Int32
    private let results = Mutex<[Result]>([])

    init() throws(TUIError) {
        do { (descriptor, writeEnd) = try SystemPipe.open(nonBlocking: true) } catch {
            throw TUIError("failed to create a pipe: \(error)")
        }
    }

    deinit {
        Descriptor.close(descriptor)
        Descriptor.close(writeEnd)
    }

    /// Runs `work` on its own thread; runs it right here when no thread can be made.
    func start(_ work: @escaping @Sendable () -> Result) {
        let started = DetachedThread.start { [self] in
            self.finish(work())
        }
        if !started { finish(work()) }
    }

    /// The results that arrived since the last call.
    func collect() -> [Result] {
        Descriptor.drain(descriptor)
        return results.withLock { results in
            defer { results.removeAll() }
            return results
        }
    }

    private func finish(_ result: Result) {
        results.withLock { $0.append(result) }
        SystemPipe.poke(writeEnd)
    }
}
