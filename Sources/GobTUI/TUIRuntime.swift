import Glibc
import CGobShims
import GobClient
import GobProject
import GobProtocol
import GobSystem

/// The event loop: a single thread in `poll` over the terminal, the signal pipe, the
/// event subscription, the log watcher and the background-work pipe. It feeds what
/// arrives to `Update`, performs the effects, and draws with `Renderer` and `Terminal`.
///
/// `poll` gets a timeout only while something is due — a status message to hide, a
/// reconnection, a frame held back, an unwatchable log, the rest of a key's escape
/// sequence — so an idle TUI uses no CPU. Nothing here waits for the daemon: requests
/// and subscribing run on `BackgroundWork`'s threads.
final class TUIRuntime {
    /// At most one frame per this many nanoseconds while output floods in.
    static let frameInterval: Int64 = 16_000_000

    private var model: Model
    private let terminal: Terminal
    private let client: DaemonClient
    private let work: BackgroundWork
    private let logs = LogFollower()
    private let signals: Int32
    private var subscription: EventStream?
    /// Counts subscription requests; only the newest one's stream is taken.
    private var subscriptionGeneration = 0
    private var keys = KeyParser()
    /// When an unfinished key sequence counts as typed (monotonic nanoseconds).
    private var keyDeadline: Int64?
    private var timers: [(deadline: Int64, message: Message)] = []
    private var queue: [Message] = []
    private var running = true
    private var needsRender = true
    private var lastRender: Int64 = 0

    init(model: Model, terminal: Terminal, client: DaemonClient) throws(TUIError) {
        self.model = model
        self.terminal = terminal
        self.client = client
        work = try BackgroundWork()
        let handled: [Int32] = [SIGWINCH, SIGTERM, SIGHUP, SIGINT]
        let fd = handled.withUnsafeBufferPointer { gob_signal_pipe($0.baseAddress, Int32($0.count)) }
        guard fd >= 0 else { throw TUIError("failed to install signal handlers: \(SystemError.last)") }
        signals = fd
    }

    /// Runs until `q`, ctrl+c, SIGTERM/SIGHUP/SIGINT or a closed terminal; the terminal
    /// is restored on every way out.
    func run() throws(TUIError) {
        try terminal.enter()
        defer {
            subscription = nil
            terminal.leave()
        }
        // Draw at once: subscribing may first have to start the daemon, on its own thread.
        render()
        perform(Update.start(model))
        while running {
            process()
            if needsRender, MonotonicClock.now() - lastRender >= Self.frameInterval { render() }
            guard running else { break }
            try wait()
            fireTimers()
        }
    }

    /// Applies every queued message and performs the effects, which may queue more.
    private func process() {
        while !queue.isEmpty {
            let message = queue.removeFirst()
            let (next, effects) = Update.apply(model, message)
            model = next
            needsRender = true
            perform(effects)
        }
    }

    private func render() {
        terminal.draw(Renderer.render(model, size: model.size))
        lastRender = MonotonicClock.now()
        needsRender = false
    }

    private func perform(_ effects: [Effect]) {
        for effect in effects { perform(effect) }
    }

    private func perform(_ effect: Effect) {
        switch effect {
        case let .subscribe(workdir):
            subscribe(workdir: workdir)
        case let .send(request, purpose):
            let client = client
            work.start {
                do throws(ClientError) {
                    return .message(.replied(purpose, .success(try client.send(request))))
                } catch {
                    return .message(.replied(purpose, .failure(error)))
                }
            }
        case let .tailLogs(source):
            queue.append(contentsOf: logs.follow(source))
        case let .copy(text):
            work.start { .message(.copied(error: Clipboard.copy(text))) }
        case let .expireStatus(serial, milliseconds):
            schedule(.statusExpired(serial: serial), after: milliseconds)
        case let .reconnect(milliseconds):
            schedule(.reconnectDue, after: milliseconds)
        case let .loadGobfile(workdir):
            work.start { .message(.gobfileLoaded(GobfileQuery.governing(workdir))) }
        case .quit:
            running = false
        }
    }

    /// Closes the subscription and opens one for `workdir` on a work thread (opening it
    /// may start the daemon); `adopt` takes the result.
    private func subscribe(workdir: OSString?) {
        subscription = nil
        subscriptionGeneration += 1
        let generation = subscriptionGeneration
        let client = client
        work.start {
            do throws(DaemonClient.SubscribeError) {
                let stream = try client.subscribe(workdir: workdir)
                return .subscription(OpenedSubscription(generation: generation, stream: stream), .subscribed)
            } catch {
                return .subscription(
                    OpenedSubscription(generation: generation, stream: nil), .subscriptionFailed(error.description))
            }
        }
    }

    /// Takes what the work threads finished: messages, and the newest subscription
    /// attempt (older ones are dropped, closing their stream).
    private func adopt(_ results: [BackgroundWork.Result]) {
        for result in results {
            switch result {
            case let .message(message):
                queue.append(message)
            case let .subscription(opened, message):
                guard opened.generation == subscriptionGeneration else { continue }
                queue.append(message)
                guard let stream = opened.stream else { continue }
                subscription = stream
                do {
                    let pending = try stream.buffered()
                    if !pending.isEmpty { queue.append(.events(pending)) }
                } catch {
                    subscription = nil
                    queue.append(.subscriptionLost(error.description))
                }
            }
        }
    }

    private func schedule(_ message: Message, after milliseconds: Int) {
        timers.append((MonotonicClock.now() + Int64(milliseconds) * 1_000_000, message))
    }

    private func fireTimers() {
        let now = MonotonicClock.now()
        let due = timers.filter { $0.deadline <= now }
        guard !due.isEmpty else { return }
        timers.removeAll { $0.deadline <= now }
        queue.append(contentsOf: due.map(\.message))
    }

    /// Milliseconds until the next thing is due; -1 (forever) when nothing is.
    private func timeout() -> Int32 {
        let now = MonotonicClock.now()
        var nearest: Int64?
        for timer in timers { nearest = min(nearest ?? timer.deadline, timer.deadline) }
        if needsRender { nearest = min(nearest ?? Int64.max, lastRender + Self.frameInterval) }
        if let keyDeadline { nearest = min(nearest ?? Int64.max, keyDeadline) }
        var milliseconds: Int64 = -1
        if let nearest { milliseconds = max(0, (nearest - now + 999_999) / 1_000_000) }
        if let interval = logs.pollInterval {
            milliseconds = milliseconds < 0 ? Int64(interval) : min(milliseconds, Int64(interval))
        }
        return Int32(clamping: milliseconds)
    }

    /// Sleeps in `poll` until something happens, then queues what it brought.
    private func wait() throws(TUIError) {
        var descriptors = [
            pollfd(fd: terminal.input, events: Int16(POLLIN), revents: 0),
            pollfd(fd: signals, events: Int16(POLLIN), revents: 0),
            pollfd(fd: work.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: subscription?.descriptor ?? -1, events: Int16(POLLIN), revents: 0),
            pollfd(fd: logs.descriptor ?? -1, events: Int16(POLLIN), revents: 0),
        ]
        let timeout = timeout()
        let count = poll(&descriptors, nfds_t(descriptors.count), timeout)
        if count < 0 {
            if errno == EINTR { return }
            throw TUIError("poll: \(SystemError.last)")
        }
        let ready = descriptors.map { $0.revents != 0 }
        if ready[1] { readSignals() }
        if ready[0] {
            readInput()
        } else if let keyDeadline, MonotonicClock.now() >= keyDeadline {
            // Nothing followed: what is pending was typed as it is (ESC alone: escape).
            self.keyDeadline = nil
            queue.append(contentsOf: keys.flush().map(Message.key))
        }
        if ready[2] { adopt(work.collect()) }
        if ready[3] { readEvents() }
        if ready[4] || logs.isBehind || (count == 0 && logs.pollInterval != nil) {
            queue.append(contentsOf: logs.read())
        }
    }

    private func readInput() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(terminal.input, $0.baseAddress, $0.count) }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return }
        guard count > 0 else {
            // The terminal is gone (hang-up): nothing more to show.
            running = false
            return
        }
        queue.append(contentsOf: keys.feed(Array(buffer[0..<count])).map(Message.key))
        keyDeadline = keys.pending.isEmpty ? nil : MonotonicClock.now() + Int64(KeyParser.escapeDelay) * 1_000_000
    }

    private func readSignals() {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { read(signals, $0.baseAddress, $0.count) }
        guard count > 0 else { return }
        for signal in buffer[0..<count].map(Int32.init) {
            if signal == SIGWINCH {
                terminal.invalidate()
                queue.append(.resize(terminal.size()))
            } else {
                running = false
            }
        }
    }

    private func readEvents() {
        guard let subscription else { return }
        do {
            let events = try subscription.read()
            if !events.isEmpty { queue.append(.events(events)) }
        } catch {
            self.subscription = nil
            queue.append(.subscriptionLost(error.description))
        }
    }
}
