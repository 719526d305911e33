import Glibc
import CGobShims
import GobProtocol
import GobSystem
import Logging
import Synchronization

/// Delivers job events to subscribers (docs/protocol.md, "Events").
///
/// Publishing only appends an encoded line to each matching subscriber's bounded queue and
/// wakes its thread. The supervisor publishes from one thread at a time, in the order its
/// changes were made (its outbox, `JobSupervisor+Changes`), so every subscriber gets the
/// events in that order. A subscriber whose queue overflows (it stopped reading) is
/// disconnected and logged; it can never delay the daemon or other clients.
public final class EventBus: Sendable {
    /// Events a subscriber may have waiting before it is dropped.
    public let queueLimit: Int
    private let subscribers = Mutex<[ObjectIdentifier: Subscription]>([:])
    private let logger: Logger

    public init(queueLimit: Int = 4096, logger: Logger) {
        self.queueLimit = queueLimit
        self.logger = logger
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    /// Registers a subscriber for events of `workdir` (all when nil); nil when no wake-up
    /// pipe could be made.
    public func subscribe(workdir: OSString?) -> Subscription? {
        guard let subscription = Subscription(workdir: workdir, limit: queueLimit) else { return nil }
        let total = subscribers.withLock { table in
            table[ObjectIdentifier(subscription)] = subscription
            return table.count
        }
        logger.info("Subscriber added (workdir: \"\(workdir ?? "")\"), total: \(total)")
        return subscription
    }

    /// Forgets a subscriber and releases its wake-up pipe.
    public func unsubscribe(_ subscription: Subscription) {
        let (removed, total) = subscribers.withLock { table in
            (table.removeValue(forKey: ObjectIdentifier(subscription)) != nil, table.count)
        }
        subscription.close()
        if removed { logger.info("Subscriber removed, total: \(total)") }
    }

    /// Queues `event` for every subscriber whose filter matches.
    public func publish(_ event: JobEvent) {
        let targets = subscribers.withLock { Array($0.values) }
        guard !targets.isEmpty else { return }
        var line: [UInt8] = []
        event.json.write(into: &line, indent: nil, level: 0)
        line.append(0x0A)
        for subscription in targets where subscription.workdir == nil || subscription.workdir == event.job.workdir {
            if !subscription.enqueue(line) {
                logger.warning("Error sending event to subscriber: queue of \(queueLimit) events full, disconnecting it")
            }
        }
    }

    /// Ends every subscription (daemon shutdown): their clients read EOF.
    public func closeAll() {
        let all = subscribers.withLock { table in
            defer { table.removeAll() }
            return Array(table.values)
        }
        for subscription in all { subscription.finish() }
    }
}

/// One subscriber's queue, drained by its connection thread.
public final class Subscription: Sendable {
    private struct Queue {
        var lines: [[UInt8]] = []
        var finished = false
        var closed = false
    }

    public let workdir: OSString?
    private let limit: Int
    private let queue = Mutex(Queue())
    /// Read end polled by the connection thread; written to when lines arrive.
    public let wakeFD: Int32
    private let signalFD: Int32

    init?(workdir: OSString?, limit: Int) {
        guard let pipe = try? SystemPipe.open(nonBlocking: true) else { return nil }
        self.workdir = workdir
        self.limit = limit
        wakeFD = pipe.read
        signalFD = pipe.write
    }

    /// Adds a line; false (and the subscription finished) when the queue was full.
    func enqueue(_ line: [UInt8]) -> Bool {
        queue.withLock { queue -> Bool in
            if queue.finished { return true }
            if queue.lines.count >= limit {
                queue.finished = true
                queue.lines.removeAll()
                poke()
                return false
            }
            queue.lines.append(line)
            if queue.lines.count == 1 { poke() }
            return true
        }
    }

    /// Marks the subscription over; the connection thread closes the connection.
    func finish() {
        queue.withLock { queue in
            queue.finished = true
            if !queue.closed { poke() }
        }
    }

    /// Takes every queued line; `finished` says the subscription must end.
    public func drain() -> (lines: [[UInt8]], finished: Bool) {
        queue.withLock { queue in
            if !queue.closed { Descriptor.drain(wakeFD) }
            defer { queue.lines.removeAll(keepingCapacity: true) }
            return (queue.lines, queue.finished)
        }
    }

    /// Wakes the connection thread; called with the queue locked, so never after `close`.
    private func poke() {
        SystemPipe.poke(signalFD)
    }

    /// Releases the wake-up pipe; called once the connection thread is done with it.
    func close() {
        queue.withLock { queue in
            guard !queue.closed else { return }
            queue.closed = true
            queue.finished = true
            Descriptor.close(wakeFD)
            Descriptor.close(signalFD)
        }
    }
}
