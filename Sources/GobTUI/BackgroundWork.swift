#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CGobShims
import GobProtocol
import Synchronization

/// Runs blocking work — a daemon request (a stop may take 15 s, Decision D4), the
/// clipboard tool — on a short-lived thread, and hands its result to the event loop
/// through a pipe the loop polls. The loop itself never blocks on the daemon.
final class BackgroundWork: Sendable {
    /// Readable when results are waiting.
    let descriptor: Int32
    private let writeEnd: Int32
    private let results = Mutex<[Message]>([])

    init() throws(TUIError) {
        var fds: [Int32] = [-1, -1]
        let rc = gob_pipe(&fds, 1)
        guard rc == 0 else { throw TUIError("failed to create a pipe: \(SystemError(rc))") }
        descriptor = fds[0]
        writeEnd = fds[1]
    }

    deinit {
        close(descriptor)
        close(writeEnd)
    }

    /// Runs `work` on its own thread; runs it right here when no thread can be made.
    func start(_ work: @escaping @Sendable () -> Message) {
        let started = DetachedThread.start { [self] in
            self.finish(work())
        }
        if !started { finish(work()) }
    }

    /// The results that arrived since the last call.
    func collect() -> [Message] {
        var buffer = [UInt8](repeating: 0, count: 64)
        while buffer.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        return results.withLock { messages in
            defer { messages.removeAll() }
            return messages
        }
    }

    private func finish(_ message: Message) {
        results.withLock { $0.append(message) }
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }
}
