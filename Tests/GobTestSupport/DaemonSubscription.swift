import Glibc
import GobProtocol

/// A raw `subscribe` connection to a daemon: its job events, read as they come. Waiting
/// on it is waiting for the daemon's own word that something happened.
public final class DaemonSubscription: @unchecked Sendable {
    // @unchecked: one test task reads it; `buffer` is only touched by that task.
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var ended = false

    /// What `next` found.
    public enum Next: Sendable {
        case event(JobEvent)
        /// The daemon closed the stream (it shut down, or dropped this subscriber).
        case ended
        case timedOut
    }

    private init(fd: Int32) { self.fd = fd }

    /// Subscribes to the events of every directory and returns once the daemon has
    /// registered the subscription, so that no event after this call can be missed.
    ///
    /// The daemon answers a `subscribe` before it registers the subscriber; its log line
    /// `Subscriber added` comes after, and is what this waits for.
    public static func open(socket: String, daemonLog: String, timeout: Duration = Failsafe.wait) async throws -> DaemonSubscription {
        let before = subscriberLines(in: daemonLog)
        guard let fd = UnixSocket.connect(to: socket) else {
            throw SandboxFailure("no daemon listens at \(socket)")
        }
        let subscription = DaemonSubscription(fd: fd)
        let deadline = ContinuousClock().now + timeout
        guard UnixSocket.sendAll(fd, Array((Request.subscribe(workdir: nil).json.compact + "\n").utf8)),
              case let .line(ack) = await subscription.line(until: deadline),
              (try? JSON(parsing: ack))?["success"] == .bool(true)
        else {
            Glibc.close(fd)
            throw WaitTimeout("the daemon to accept a subscription", after: timeout)
        }
        let directory = String(daemonLog[..<(daemonLog.lastIndex(of: "/") ?? daemonLog.endIndex)])
        do {
            try await waitUntil("the daemon to register a subscriber", watching: [directory],
                                timeout: deadline - ContinuousClock().now) {
                subscriberLines(in: daemonLog) > before
            }
        } catch {
            Glibc.close(fd)
            throw error
        }
        return subscription
    }

    /// The next event, waiting for it until `deadline`.
    public func next(until deadline: ContinuousClock.Instant) async -> Next {
        while true {
            switch await line(until: deadline) {
            case let .line(bytes):
                if let event = (try? JSON(parsing: bytes)).flatMap(JobEvent.init(json:)) { return .event(event) }
            case .ended: return .ended
            case .timedOut: return .timedOut
            }
        }
    }

    /// Whether a complete event line has already arrived (reading what is there without
    /// waiting).
    public var hasPendingEvent: Bool {
        if buffer.contains(0x0A) { return true }
        readAvailable()
        return buffer.contains(0x0A)
    }

    /// Leaves: tells the daemon (end of file) and waits until it has closed its end,
    /// which it does after unregistering the subscriber.
    public func close() async {
        _ = shutdown(fd, Int32(SHUT_WR))
        let deadline = ContinuousClock().now + Failsafe.wait
        while !ended {
            readAvailable()
            if ended { break }
            guard await Reactor.shared.wait(for: fd, events: Int16(POLLIN), until: deadline) else { break }
        }
        Glibc.close(fd)
    }

    private enum Line { case line([UInt8]), ended, timedOut }

    private func line(until deadline: ContinuousClock.Instant) async -> Line {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return .line(line)
            }
            if ended { return .ended }
            readAvailable()
            if buffer.contains(0x0A) || ended { continue }
            guard await Reactor.shared.wait(for: fd, events: Int16(POLLIN), until: deadline) else { return .timedOut }
        }
    }

    private func readAvailable() {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !ended {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) { ended = true }
                return
            }
        }
    }

    /// How many `Subscriber added` lines the daemon log holds.
    static func subscriberLines(in daemonLog: String) -> Int {
        guard let bytes = ProcessScan.read(daemonLog) else { return 0 }
        return String(decoding: bytes, as: UTF8.self).components(separatedBy: "Subscriber added").count - 1
    }
}
