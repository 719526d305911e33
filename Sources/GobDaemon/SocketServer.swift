import Glibc
import CGobShims
import GobProtocol
import GobSystem
import Logging
import Synchronization

/// Accepts connections on the daemon's socket: one request per connection, or an event
/// stream after `subscribe`. A request answered from memory at once (`ping`, `status`,
/// `list`) that arrives within `quickWait` of the connection is answered by the accepting
/// thread itself; every other connection is served on a thread of its own, so nothing
/// slow (a start, the store, a stop that waits) holds up the others. Nothing a client
/// sends can take the daemon down: peers of another uid are closed, requests are capped in
/// size (`RequestLimit`) and to 10 s, bad requests get an error response.
///
/// When no thread can be had (the user's process limit is reached), the connection is
/// served on the accepting thread itself, so `stop`, `nuke`, `status` and `list` still
/// work; only a subscription, which would hold that thread, is answered `busy`.
public final class SocketServer: Sendable {
    /// Largest request line accepted.
    public static let requestLimit = RequestLimit.bytes
    /// Time a client has to send one complete request.
    public static let requestTimeout = MonotonicClock.seconds(10)
    /// The same on the accepting thread, which serves nobody else meanwhile.
    static let inlineRequestTimeout = MonotonicClock.seconds(2)
    /// How long the accepting thread waits for a new connection's request before it hands
    /// the connection to a thread of its own. gob's clients send theirs right after
    /// connecting; a client that dawdles costs the others at most this.
    static let quickWait = MonotonicClock.seconds(0.02)

    private let handler: RequestHandler
    private let bus: EventBus
    private let logger: Logger
    private let ledger = RequestLedger()
    /// Whether connections are taken, and how many are being served (an in-place
    /// restart stops taking them and waits until the others are answered).
    private let intake = ConditionLock(Intake())
    /// A pipe whose read end is readable while the intake is paused: wakes acceptors
    /// out of `poll`.
    private let wake: Int32
    private let wakeWriter: Int32
    /// Carries out an in-place restart for the connection that asked for it; set once
    /// the daemon exists.
    private let restarter = Mutex<(@Sendable (Int32, String?) -> Void)?>(nil)

    private struct Intake {
        var paused = false
        /// Connections accepted and not yet answered (event streams are not counted).
        var active = 0
    }
    /// Called after a reply asked for a shutdown; true when the shutdown is to happen
    /// only if no job is left by then (a `nuke`).
    private let onShutdown: @Sendable (_ onlyIfNoJobs: Bool) -> Void

    public init(
        handler: RequestHandler, bus: EventBus, logger: Logger,
        onShutdown: @escaping @Sendable (_ onlyIfNoJobs: Bool) -> Void
    ) {
        self.handler = handler
        self.bus = bus
        self.logger = logger
        self.onShutdown = onShutdown
        let ends = try? SystemPipe.open(nonBlocking: true)
        wake = ends?.read ?? -1
        wakeWriter = ends?.write ?? -1
    }

    deinit {
        if wake >= 0 { Descriptor.close(wake) }
        if wakeWriter >= 0 { Descriptor.close(wakeWriter) }
    }

    /// Sets what carries out `daemon_restart` (given the requesting connection).
    func onRestart(_ body: @escaping @Sendable (Int32, String?) -> Void) {
        restarter.withLock { $0 = body }
    }

    /// Stops taking connections: they wait in the listening socket's backlog. Once this
    /// returns, no connection is accepted until `resumeIntake`.
    func pauseIntake() {
        intake.withLockBroadcasting { $0.paused = true }
        if wakeWriter >= 0 { SystemPipe.poke(wakeWriter) }
    }

    /// Takes connections again (an in-place restart that failed).
    func resumeIntake() {
        var bytes = [UInt8](repeating: 0, count: 16)
        while read(wake, &bytes, bytes.count) > 0 {}
        intake.withLockBroadcasting { $0.paused = false }
    }

    /// Waits until every accepted connection but `except` has been answered (or turned
    /// into an event stream); false when some were still being served at `deadline`.
    func waitForConnections(except: Int, until deadline: Int64) -> Bool {
        intake.wait(until: deadline) { $0.active <= except ? true : nil } ?? false
    }

    /// Starts a thread accepting on `listenFD` until that descriptor is shut down.
    public func start(listening listenFD: Int32) -> Bool {
        DetachedThread.start { [self] in acceptLoop(listenFD) }
    }

    private func acceptLoop(_ listenFD: Int32) {
        var scratch = [UInt8](repeating: 0, count: 65_536)
        while true {
            // Paused for an in-place restart: connections wait in the backlog.
            _ = intake.wait { $0.paused ? nil : true }
            var pollers = [
                pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
            ]
            if poll(&pollers, wake >= 0 ? 2 : 1, -1) < 0 && errno != EINTR { return }
            if pollers[0].revents & Int16(POLLNVAL) != 0 { return }  // the listener was closed
            guard pollers[0].revents != 0 else { continue }
            // Accepted and counted under the intake's lock: once a pause is set, nothing
            // more is taken.
            let (fd, failure) = intake.withLock { intake -> (Int32, Int32) in
                guard !intake.paused else { return (-1, EAGAIN) }
                let fd = gob_accept_pending(listenFD)
                if fd >= 0 { intake.active += 1 }
                return (fd, fd >= 0 ? 0 : errno)
            }
            if fd < 0 {
                switch failure {
                case EINTR, ECONNABORTED, EAGAIN, EWOULDBLOCK:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    logger.error("Error accepting connection: \(SystemError(failure))")
                    MonotonicClock.sleep(milliseconds: 10)  // out of descriptors: give others time to close
                    continue
                default:
                    return  // the listener was closed: shutting down
                }
            }
            var uid: uid_t = 0
            let rc = gob_peer_uid(fd, &uid)
            guard rc == 0, uid == getuid() else {
                logger.warning("Refused connection from uid \(rc == 0 ? String(uid) : "unknown")")
                Descriptor.close(fd)
                connectionAnswered()
                continue
            }
            guard let early = answerAtOnce(fd, scratch: &scratch) else { continue }
            if !DetachedThread.start({ [self] in serve(fd, inline: false, early: early) }) {
                logger.error("No thread for a connection (process limit reached?): serving it on the accepting thread")
                serve(fd, inline: true, early: early)
            }
        }
    }

    /// What the accepting thread read of a connection it hands on.
    private enum Early {
        /// The start of a request still on its way (possibly nothing).
        case partial([UInt8])
        /// The whole request, decoded.
        case read(ReadOutcome)
    }

    /// Answers connection `fd` here, on the accepting thread, when its request arrives
    /// within `quickWait` and the handler answers it at once: a thread of its own cost such
    /// a request more than the answer (a raw `ping` round trip 70–86 → 62–66 µs, the fastest
    /// `gob list` 0.92 → 0.78 ms; docs/performance.md). Returns what was read when the
    /// connection is to go to a thread of its own, nil when it was answered here.
    private func answerAtOnce(_ fd: Int32, scratch: inout [UInt8]) -> Early? {
        let deadline = MonotonicClock.now() + Self.quickWait
        var buffer: [UInt8] = []
        var framer = RequestFramer()
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, MonotonicClock.pollTimeout(until: deadline))
            if ready < 0 && errno == EINTR { continue }
            // Nothing yet, the end, or an error: the connection's own thread takes it from here.
            guard ready > 0 else { return .partial(buffer) }
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard n > 0 else { return .partial(buffer) }
            let start = buffer.count
            buffer.append(contentsOf: scratch[0..<n])
            if let end = framer.end(in: buffer[start...]) {
                buffer.removeSubrange(end...)
                let outcome = buffer.count > Self.requestLimit ? ReadOutcome.invalid(Self.tooLarge) : decode(buffer)
                // A request with an ID is one a client may send again: its thread keeps the ledger.
                guard case let .request(request, id: nil) = outcome, handler.answersAtOnce(request) else {
                    return .read(outcome)
                }
                finishAtOnce(fd, handler.reply(to: request).line)
                return nil
            }
            if buffer.count > Self.requestLimit { return .read(.invalid(Self.tooLarge)) }
        }
    }

    /// Writes `line` without waiting and ends the connection. What the client's socket
    /// cannot take at once (a long list for a client slow to read) is written by a thread
    /// of its own, within the usual 10 s.
    private func finishAtOnce(_ fd: Int32, _ line: [UInt8]) {
        var sent = 0
        while sent < line.count {
            let n = line.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress else { return 0 }
                return send(fd, base + sent, bytes.count - sent, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            }
            if n > 0 {
                sent += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            guard n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) else { break }  // the client is gone
            let rest = Array(line[sent...])
            let finish: @Sendable (Int64) -> Void = { [self] milliseconds in
                Socket.setTimeout(fd, SO_SNDTIMEO, milliseconds: milliseconds)
                _ = sendAll(fd, rest)
                Descriptor.close(fd)
                connectionAnswered()
            }
            if !DetachedThread.start({ finish(10_000) }) { finish(2_000) }
            return
        }
        Descriptor.close(fd)
        connectionAnswered()
    }

    /// Counts a connection as answered: it ended, or became an event stream.
    private func connectionAnswered() {
        intake.withLockBroadcasting { $0.active -= 1 }
    }

    /// Answers every connection still queued on `listenFD` with `shutting_down`, without
    /// reading its request, so its client knows the request was not carried out and can
    /// send it again to the next daemon. Called once the socket's name is gone, just
    /// before the listener is closed.
    func turnAwayQueued(_ listenFD: Int32) {
        let flags = fcntl(listenFD, F_GETFL)
        guard flags >= 0, fcntl(listenFD, F_SETFL, flags | O_NONBLOCK) == 0 else { return }
        var line: [UInt8] = []
        Response.failure("the gob daemon is shutting down", code: .shuttingDown).json.write(into: &line, indent: nil, level: 0)
        line.append(0x0A)
        while true {
            let fd = gob_accept(listenFD)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            Socket.setTimeout(fd, SO_SNDTIMEO, milliseconds: 1_000)
            _ = sendAll(fd, line)
            Descriptor.close(fd)
        }
    }

    /// Serves one connection of this uid to its end, from what the accepting thread read of
    /// it; `inline`: on the accepting thread.
    private func serve(_ fd: Int32, inline: Bool, early: Early) {
        var answered = false
        defer {
            Descriptor.close(fd)
            if !answered { connectionAnswered() }
        }
        Socket.setTimeout(fd, SO_SNDTIMEO, milliseconds: 10_000)

        let request: Request
        let requestID: String?
        let outcome: ReadOutcome
        switch early {
        case let .read(read): outcome = read
        case let .partial(start): outcome = readRequest(fd, within: inline ? Self.inlineRequestTimeout : Self.requestTimeout, after: start)
        }
        switch outcome {
        case let .request(decoded, id):
            request = decoded
            requestID = id
        case let .invalid(message, code):
            logger.info("Error decoding request: \(message)")
            sendLine(fd, Response.failure(message, code: code).json)
            return
        case .closed:
            return
        }
        if inline, case .subscribe = request {
            sendLine(fd, Response.failure("process limit reached: cannot follow events now", code: .busy).json)
            return
        }
        if case let .daemonRestart(executable) = request, let restart = restarter.withLock({ $0 }) {
            // The reply comes from the new image, on this very connection; on failure,
            // from this one.
            restart(fd, executable)
            return
        }
        guard let requestID else {
            respond(fd, to: request, answered: &answered)
            return
        }
        switch ledger.claim(requestID) {
        case .fresh:
            let line = respond(fd, to: request, answered: &answered)
            ledger.finish(requestID, reply: line)
        case let .replay(line):
            logger.info("Answering a repeated \(request.typeName) request with its first reply")
            _ = sendAll(fd, line)
        }
    }

    /// Carries `request` out, writes the reply and does what follows it; returns the reply.
    @discardableResult
    private func respond(_ fd: Int32, to request: Request, answered: inout Bool) -> [UInt8] {
        let (line, followUp) = handler.reply(to: request)
        let delivered = sendAll(fd, line)
        handler.replied(to: request)
        if case .subscribe = followUp {
            // A stream lasts: it does not hold up an in-place restart (it sees EOF).
            answered = true
            connectionAnswered()
        }
        switch followUp {
        case .close:
            break
        case .shutdown:
            if case .nuke = request { onShutdown(true) } else { onShutdown(false) }
        case let .subscribe(workdir):
            if delivered { stream(fd, workdir: workdir) }
        }
        return line
    }

    private enum ReadOutcome {
        case request(Request, id: String?)
        case invalid(String, ErrorCode = .invalidRequest)
        case closed
    }

    /// Reads one request: up to a newline, or a complete JSON object without one (a
    /// missing newline is tolerated), within the size and time limits, after the bytes
    /// `start` already read (never a whole request). Each byte is looked at once
    /// (`RequestFramer`), and the request parsed once it is complete.
    private func readRequest(_ fd: Int32, within limit: Int64, after start: [UInt8]) -> ReadOutcome {
        let deadline = MonotonicClock.now() + limit
        var buffer = start
        var framer = RequestFramer()
        _ = framer.end(in: buffer[...])
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let remaining = (deadline - MonotonicClock.now()) / 1_000_000
            if remaining <= 0 {
                logger.info("Closing connection: no complete request within \(limit / 1_000_000_000) s")
                return .closed
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 10_000)))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if n <= 0 {
                guard buffer.contains(where: { !Self.isSpace($0) }) else { return .closed }
                return decode(buffer)
            }
            let start = buffer.count
            buffer.append(contentsOf: chunk[0..<n])
            if let end = framer.end(in: buffer[start...]) {
                buffer.removeSubrange(end...)
                if buffer.count > Self.requestLimit { return .invalid(Self.tooLarge) }
                return decode(buffer)
            }
            if buffer.count > Self.requestLimit { return .invalid(Self.tooLarge) }
        }
    }

    private static let tooLarge = "request too large (limit \(requestLimit) bytes)"

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private func decode(_ line: [UInt8]) -> ReadOutcome {
        let json: JSON
        do { json = try JSON(parsing: line) } catch { return .invalid(error.description) }
        let request: Request
        do throws(RequestError) { request = try Request(json: json) } catch { return .invalid(error.description, error.code) }
        // A client of another build must not be misunderstood; `status` still answers so
        // the user can find the daemon to restart.
        // An upgrading client asks a daemon of another version to restart into its own
        // executable, so that request is understood whatever the version.
        let anyVersion = switch request {
        case .status, .daemonRestart: true
        default: false
        }
        if let version = json["version"], !anyVersion {
            guard let text = version.stringValue else { return .invalid("invalid version format") }
            if text != GobVersion.handshake {
                return .invalid(GobVersion.mismatch(client: text, daemonPID: getpid()), .versionMismatch)
            }
        }
        var requestID: String?
        if let value = json["request_id"], !value.isNull {
            guard let text = value.stringValue, !text.isEmpty, text.utf8.count <= 128 else {
                return .invalid("invalid request_id format")
            }
            requestID = text
        }
        return .request(request, id: requestID)
    }

    /// Writes one JSON line; false when the client is gone.
    @discardableResult
    private func sendLine(_ fd: Int32, _ json: JSON) -> Bool {
        var line: [UInt8] = []
        json.write(into: &line, indent: nil, level: 0)
        line.append(0x0A)
        return sendAll(fd, line)
    }

    /// Writes all of `bytes` to the client; false when it is gone.
    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        Descriptor.writeAllIgnoringErrors(fd, bytes, to: .socket)
    }

    /// Streams events until the client leaves, falls behind, or the daemon shuts down.
    private func stream(_ fd: Int32, workdir: OSString?) {
        guard let subscription = bus.subscribe(workdir: workdir) else {
            logger.error("Error sending subscribe response: no wake-up pipe")
            return
        }
        defer { bus.unsubscribe(subscription) }
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            var pollers = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: subscription.wakeFD, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&pollers, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if pollers[0].revents != 0 {
                // The client sends nothing; readable means it closed (or sent noise).
                let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) { return }
            }
            if pollers[1].revents != 0 {
                let (lines, finished) = subscription.drain()
                for line in lines where !sendAll(fd, line) {
                    logger.info("Error sending event to subscriber: \(SystemError.last)")
                    return
                }
                if finished { return }
            }
        }
    }
}
