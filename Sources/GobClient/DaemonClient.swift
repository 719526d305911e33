import Glibc
import GobProtocol
import GobSystem

/// Talks to the per-user daemon: one request per connection, newline-delimited JSON,
/// starting the daemon when nothing answers.
///
/// Safety: `<rt>` is checked through a descriptor before anything is connected, and the
/// process serving the socket must run as this user (`SO_PEERCRED`), so a socket planted
/// by someone else never receives a request (nor the environment an `add` carries).
///
/// Reliability: a request whose connection ends before any reply, or that a daemon which
/// is shutting down turned away, is sent again (starting a daemon if none is left). A
/// request that changes something carries a random `request_id`, with which the daemon
/// answers a repeat with the first answer instead of doing it twice. Every wait is
/// bounded: a daemon that takes the connection but never answers is reported as not
/// responding after a few seconds (longer for requests that stop jobs), unless it is
/// visibly at work on the reply (`DaemonProgress`).
public struct DaemonClient: Sendable {
    public let paths: RuntimePaths
    /// A monotonic instant (`MonotonicClock.now()` nanoseconds) after which the whole
    /// command gives up with `ClientError.timedOut` (`await --timeout`); nil: none.
    public var deadline: Int64?

    /// How long a quick request (list, ping, status, get_job, signal, remove, cleanup, a
    /// subscription's acknowledgement) may wait for its reply.
    static let quickTimeoutMilliseconds: Int64 = 5_000
    /// Requests that stop processes wait up to 10 s + 5 s per job group in the daemon;
    /// those that start one may wait for a slow file system. Both get this bound.
    static let slowTimeoutMilliseconds: Int64 = 40_000
    /// How long to keep trying when connections end early or a daemon is shutting down.
    static let retryWindowNanoseconds: Int64 = 15_000_000_000
    /// How long to wait for another client that is starting the daemon.
    static let lockTimeoutNanoseconds: Int64 = 10_000_000_000

    public init(paths: RuntimePaths, deadline: Int64? = nil) {
        self.paths = paths
        self.deadline = deadline
    }

    /// Sends `request` and returns the daemon's reply.
    public func send(_ request: Request) throws(ClientError) -> Response {
        try Self.decode(exchangeWithRetries(request))
    }

    /// Sends `request` and returns the reply line's bytes (never empty), for a caller
    /// that decodes it its own way (`list --json`).
    public func sendForLine(_ request: Request) throws(ClientError) -> ReplyLine {
        try exchangeWithRetries(request)
    }

    /// Sends `request`, one whose successful reply line is followed by output
    /// (`list_json`: `"output_bytes"` says how long), and writes that output to `output`
    /// as it arrives; returns the reply, for the caller to tell success from failure (a
    /// failure has no output). A reply cut short is an error, never sent again: part of
    /// the output is out already.
    public func sendRelaying(_ request: Request, to output: Int32) throws(ClientError) -> Response {
        try Self.decode(exchangeWithRetries(request, relayingTo: output))
    }

    static func decode(_ reply: ReplyLine) throws(ClientError) -> Response {
        let json: JSON
        do { json = try reply.withBytes { bytes throws(JSONError) in try JSON(parsing: bytes) } } catch {
            throw .decode(detail: error.description)
        }
        guard let response = Response(json: json) else {
            throw .decode(detail: "reply is not a response object")
        }
        return response
    }

    /// The request's wire line: the envelope, the protocol version and, for a request
    /// that changes something, its `request_id`.
    static func line(for request: Request, requestID: String?) -> [UInt8] {
        request.wireLine(requestID: requestID)
    }

    /// A fresh random ID for one request (the same for all its attempts).
    static func newRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return String(high, radix: 16) + "-" + String(low, radix: 16)
    }

    /// One request, sent again while its connection ends before a reply or the daemon
    /// answers that it is shutting down, within the retry window. `mayUpgrade`: a daemon
    /// of an older gob is upgraded first (never while asking it for its version).
    func exchangeWithRetries(_ request: Request, mayUpgrade: Bool = true, relayingTo output: Int32? = nil) throws(ClientError) -> ReplyLine {
        let line = Self.line(for: request, requestID: request.changesState ? Self.newRequestID() : nil)
        // Said before anything is sent: the daemon would only refuse it after reading it.
        guard line.count <= RequestLimit.bytes else {
            throw .send(detail: "the request is \(line.count) bytes, more than the \(RequestLimit.bytes >> 20) MiB the daemon accepts; the command and its environment are too large")
        }
        let timeout = request.changesState && request.mayTakeLong ? Self.slowTimeoutMilliseconds : Self.quickTimeoutMilliseconds
        let giveUp = MonotonicClock.now() + Self.retryWindowNanoseconds
        var attempt = 0
        var upgradeTried = !mayUpgrade
        while true {
            attempt += 1
            let outcome = try attemptOnce(line, timeoutMilliseconds: timeout, relayingTo: output)
            switch outcome {
            case let .reply(reply):
                // A daemon of an older gob is upgraded in place, once, and asked again.
                if !upgradeTried, Self.isVersionMismatch(reply) {
                    upgradeTried = true
                    if upgradeDaemon() { continue }
                }
                return reply
            case let .retry(failure):
                let now = MonotonicClock.now()
                if let deadline, now >= deadline { throw .timedOut }
                guard now < giveUp else { throw failure }
                // Give a dying daemon time to go, and a new one time to start.
                MonotonicClock.sleep(milliseconds: min(100, attempt * 5))
            }
        }
    }

    private enum Attempt {
        case reply(ReplyLine)
        /// The request was certainly not carried out, or carries an ID that makes a
        /// repeat harmless: try again; `failure` is what to report if it is the last try.
        case retry(ClientError)
    }

    private func attemptOnce(_ line: [UInt8], timeoutMilliseconds: Int64, relayingTo output: Int32?) throws(ClientError) -> Attempt {
        let socket: UnixSocket
        do { socket = try connectOrStart(timeoutMilliseconds: timeoutMilliseconds) } catch {
            switch error {
            case let .final(error): throw error
            case let .raced(error): return .retry(error)
            }
        }
        do { try socket.writeAll(line) } catch {
            if Self.isTimeout(error) { throw .notResponding(pid: socket.peerPID) }
            // Nothing was answered; a request cut short cannot have been carried out.
            return .retry(.send(detail: "write unix \(paths.socket): \(error)"))
        }
        // A daemon silent past the bound is waited for while it is at work on the reply.
        var progress = DaemonProgress(pid: socket.peerPID, firstWait: timeoutMilliseconds, giveUpAfter: Self.slowTimeoutMilliseconds)
        let whenSilent = { progress.nextWait(bound: bounded) }
        let reply: ReplyLine
        do { reply = try socket.readLine(limit: Int.max, whenSilent: whenSilent) } catch {
            if Self.isTimeout(error) { throw timeoutFailure(pid: socket.peerPID, waitedUpTo: progress.lastWait) }
            if error.code == ECONNRESET { return .retry(.daemonStopped) }
            throw .decode(detail: "read unix \(paths.socket): \(error)")
        }
        guard reply.count > 0 else { return .retry(.daemonStopped) }
        if Self.isShuttingDown(reply) { return .retry(.daemonStopped) }
        if let output, Self.isSuccess(reply) {
            let response = try Self.decode(reply)
            guard let total = response["output_bytes"]?.intValue, total >= 0 else {
                throw .decode(detail: "missing output_bytes")
            }
            let relayed: Int
            do { relayed = try socket.relay(after: reply, total: Int(total), to: output, whenSilent: whenSilent) } catch {
                if Self.isTimeout(error) { throw timeoutFailure(pid: socket.peerPID, waitedUpTo: progress.lastWait) }
                throw .decode(detail: "read unix \(paths.socket): \(error)")
            }
            guard relayed == Int(total) else { throw .decode(detail: "the reply ended after \(relayed) of \(total) bytes") }
        }
        return .reply(reply)
    }

    /// Whether the reply line is a success (it is not parsed for this).
    private static func isSuccess(_ reply: ReplyLine) -> Bool {
        reply.withBytes { $0.starts(with: #"{"success":true"#.utf8) }
    }

    /// Whether a reply is the refusal of a daemon that is shutting down (a failure
    /// carrying that code); successful replies are not parsed here.
    private static func isShuttingDown(_ reply: ReplyLine) -> Bool {
        guard !isSuccess(reply), let response = try? decode(reply) else { return false }
        return response.code == .shuttingDown
    }

    private static func isTimeout(_ error: SystemError) -> Bool {
        error.code == EAGAIN || error.code == EWOULDBLOCK
    }

    /// Why no connection could be had.
    enum ConnectFailure: Error {
        /// For good: report it.
        case final(ClientError)
        /// A daemon starting or shutting down at the same moment won the race: a new try
        /// will find it, or start the next one.
        case raced(ClientError)

        var error: ClientError {
            switch self {
            case let .final(error), let .raced(error): error
            }
        }
    }

    /// A connection to the daemon, starting it first when nothing listens.
    func connect(timeoutMilliseconds: Int64 = quickTimeoutMilliseconds) throws(ClientError) -> UnixSocket {
        do { return try connectOrStart(timeoutMilliseconds: timeoutMilliseconds) } catch { throw error.error }
    }

    /// A connection to the daemon, starting it first when nothing listens. `<rt>` is
    /// checked (and created when missing) before anything is connected.
    func connectOrStart(timeoutMilliseconds: Int64) throws(ConnectFailure) -> UnixSocket {
        let timeout: Int64
        do { timeout = try bounded(timeoutMilliseconds) } catch { throw .final(error) }
        let directory: RuntimePaths.OpenedDirectory?
        do { directory = try paths.openDirectory(create: true, tighten: false) } catch {
            throw .final(.connect(cause: error.description))
        }
        guard let directory else { throw .final(.connect(cause: "cannot create runtime directory \(paths.directory)")) }
        defer { close(directory.descriptor) }
        do { return try UnixSocket(connectingTo: paths.socket, timeoutMilliseconds: timeout) } catch {
            // A path the kernel cannot take will not work after a start either, and a
            // socket of another user is never replaced by ours.
            if error.code == nil || error.isForeign { throw .final(.connect(cause: error.description)) }
        }
        let lock: StartLock
        do {
            lock = try StartLock(
                directory: directory.descriptor, path: paths.lockFile,
                timeoutNanoseconds: min(Self.lockTimeoutNanoseconds, remainingNanoseconds() ?? .max))
        } catch {
            throw .final(error)
        }
        return try startAndConnect(holding: lock, timeoutMilliseconds: timeout)
    }

    /// Nanoseconds left before the command's deadline; nil without one.
    private func remainingNanoseconds() -> Int64? {
        deadline.map { max(0, $0 - MonotonicClock.now()) }
    }

    /// `milliseconds`, cut to what is left before the deadline; throws once it passed.
    /// What a wait of at most `milliseconds` that timed out means: the command's own
    /// deadline when that is what cut the wait short (less time is left than the wait's
    /// full length: its bound was what remained, rounded down to a millisecond), else a
    /// daemon that did not answer in time.
    func timeoutFailure(pid: Int32, waitedUpTo milliseconds: Int64) -> ClientError {
        if let remaining = remainingNanoseconds(), remaining < milliseconds * 1_000_000 { return .timedOut }
        return .notResponding(pid: pid)
    }

    func bounded(_ milliseconds: Int64) throws(ClientError) -> Int64 {
        guard let remaining = remainingNanoseconds() else { return milliseconds }
        guard remaining > 0 else { throw .timedOut }
        return min(milliseconds, max(1, remaining / 1_000_000))
    }

    /// Starts the daemon unless another client did meanwhile, then connects. The borrowed
    /// lock is held for the whole call.
    private func startAndConnect(holding lock: borrowing StartLock, timeoutMilliseconds: Int64) throws(ConnectFailure) -> UnixSocket {
        // Another client may have started it while this one waited for the lock.
        if let socket = try tryConnect(timeoutMilliseconds) { return socket }
        let launcher = DaemonLauncher(paths: paths)
        do { try launcher.launch() } catch {
            // A daemon started by other means may have won the race; use it if it answers.
            if let socket = try tryConnect(timeoutMilliseconds) { return socket }
            switch error {
            case let .final(error): throw .final(error)
            case let .anotherDaemon(error): throw .raced(error)
            }
        }
        for _ in 0..<50 {
            if let socket = try tryConnect(timeoutMilliseconds) { return socket }
            MonotonicClock.sleep(milliseconds: 10)
        }
        // It started and went again at once: a nuke or shutdown raced with this start.
        throw .raced(.connect(cause: "failed to connect to daemon after starting it"))
    }

    /// A connection, or nil when nothing listens; a foreign socket is an error.
    private func tryConnect(_ timeoutMilliseconds: Int64) throws(ConnectFailure) -> UnixSocket? {
        do { return try UnixSocket(connectingTo: paths.socket, timeoutMilliseconds: timeoutMilliseconds) } catch {
            if error.isForeign { throw .final(.connect(cause: error.description)) }
            return nil
        }
    }
}

extension Request {
    /// Whether the request may change the daemon's state; such a request carries an ID so
    /// that sending it again is harmless. The others are simply sent again.
    var changesState: Bool {
        switch self {
        case .ping, .list, .listJSON, .getJob, .status, .subscribe, .runs, .getRun, .stats, .ports, .processes: false
        case .daemonRestart, .shutdown, .add, .run, .stop, .start, .restart, .remove, .removeRun, .cleanup, .nuke, .signal: true
        }
    }

    /// Whether the daemon may legitimately take long over it: stops wait for process
    /// groups (10 s + 5 s), starts may meet a slow file system.
    var mayTakeLong: Bool {
        switch self {
        case .add, .run, .start, .restart, .stop, .nuke, .daemonRestart: true
        case .ping, .list, .listJSON, .getJob, .status, .subscribe, .shutdown, .remove, .removeRun, .cleanup, .signal, .runs,
            .getRun, .stats, .ports, .processes: false
        }
    }
}
