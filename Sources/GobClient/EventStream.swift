import Glibc
import GobProtocol
import GobSystem

/// The daemon's event stream on an open subscription (docs/protocol.md, "Events"): read
/// after `poll` says the descriptor is readable; events arrive one JSON object per line.
///
/// A stream that rides through (`rideThroughRestarts`) outlives its connection: when the
/// daemon re-executes itself in place, or was killed and a new daemon adopted its jobs,
/// it subscribes again and reads the awaited jobs back, so that no end is missed (an end
/// that came in between is reported as a `job_stopped` event of the job as it is now).
/// A daemon that stopped on purpose (its socket removed), or that no longer has an
/// awaited job, ends the stream as before.
public final class EventStream {
    /// The connection, for `poll`; a new one after the stream subscribed again (read it
    /// anew for every `poll`).
    public private(set) var descriptor: Int32
    private var pending: [UInt8] = []
    /// The subscription's client and scope, to subscribe again.
    private let client: DaemonClient?
    private let workdir: OSString?
    /// Set by `rideThroughRestarts`: the jobs whose ends must not be missed.
    private var awaited: Set<String>?

    /// Takes ownership of a connected descriptor whose subscription was acknowledged.
    init(descriptor: Int32, pending: [UInt8], client: DaemonClient? = nil, workdir: OSString? = nil) {
        self.descriptor = descriptor
        self.pending = pending
        self.client = client
        self.workdir = workdir
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Makes the stream subscribe again when its daemon is replaced (an in-place restart,
    /// or a crash after which a new daemon adopts the jobs) instead of ending; `jobs` are
    /// read back then, and what they did meanwhile reported: `job_ready` or
    /// `job_ready_timed_out` when their run has a readiness verdict, `job_stopped` when
    /// they ended (a stream without awaited jobs still rides through, reporting nothing
    /// in between).
    public func rideThroughRestarts(awaiting jobs: [String]) {
        awaited = (awaited ?? []).union(jobs)
    }

    /// Subscribes again when the daemon went away before the command attached to any run
    /// (between its subscribe and its first look at the jobs): true when a daemon took its
    /// place and this stream now reads from it; false when the stream has not ended, or
    /// no daemon answered on the socket.
    public func subscribeAgain() -> Bool {
        guard hasEnded, let client, let fresh = client.resubscribe(workdir: workdir) else { return false }
        let (fd, bytes) = fresh.detach()
        close(descriptor)
        descriptor = fd
        pending = bytes
        return true
    }

    /// The descriptor and unread bytes, handed to another stream.
    private func detach() -> (descriptor: Int32, pending: [UInt8]) {
        let taken = (descriptor, pending)
        descriptor = -1
        pending = []
        return taken
    }

    /// After the connection ended: subscribes again and returns what the awaited jobs
    /// did meanwhile, or throws `end` when the stream does not ride through, the daemon
    /// stopped on purpose or did not come back, or an awaited job is gone.
    private func resume(after end: End) throws(End) -> [JobEvent] {
        guard let awaited, let client, end.isDaemonGone else { throw end }
        guard let fresh = client.resubscribe(workdir: workdir) else { throw end }
        let (fd, bytes) = fresh.detach()
        close(descriptor)
        descriptor = fd
        pending = bytes
        // Read after the new subscription: an end after this list comes as an event.
        guard !awaited.isEmpty else { return [] }
        guard let jobs = try? client.send(.list(workdir: workdir)).jobs else { throw end }
        var events: [JobEvent] = []
        for id in awaited.sorted() {
            guard let job = jobs.first(where: { $0.id == id }) else { throw end }
            // A readiness verdict in between, then an end in between.
            if job.readiness == "ready" { events.append(JobEvent(kind: .jobReady, job: job)) }
            if job.readiness == "timed_out" { events.append(JobEvent(kind: .jobReadyTimedOut, job: job)) }
            if job.status == .stopped { events.append(JobEvent(kind: .jobStopped, job: job)) }
        }
        return events
    }

    /// Why the stream ended.
    public enum End: Error, Equatable {
        /// The daemon closed the connection (upstream's message: `failed to decode event: EOF`).
        case closed
        case broken(String)
        case undecodable(String)

        /// Whether the connection itself ended (closed or reset): the daemon went away.
        public var isDaemonGone: Bool {
            switch self {
            case .closed, .broken: true
            case .undecodable: false
            }
        }

        public var description: String {
            switch self {
            case .closed: "failed to decode event: EOF"
            case let .broken(detail): "failed to decode event: \(detail)"
            case let .undecodable(detail): "failed to decode event: \(detail)"
            }
        }
    }

    /// Whether the daemon has closed this stream, looked at without taking any event from
    /// it. A daemon's sockets close the moment it dies, so a reply from the daemon that
    /// took its place can be told from one of the daemon this stream belongs to.
    public var hasEnded: Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 0) > 0 else { return false }
        if poller.revents & Int16(POLLHUP | POLLERR) != 0 { return true }
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
    }

    /// Events already buffered, without reading.
    public func buffered() throws(End) -> [JobEvent] {
        try decodeLines()
    }

    /// Reads what is available (one `read`) and returns the complete events in it.
    public func read() throws(End) -> [JobEvent] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if count == 0 {
            // What was complete before the end counts; then whatever came in between.
            let before = try decodeLines()
            return before + (try resume(after: .closed))
        }
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return try decodeLines() }
            let end = End.broken(SystemError.last.description)
            let before = try decodeLines()
            return before + (try resume(after: end))
        }
        pending.append(contentsOf: buffer[0..<count])
        return try decodeLines()
    }

    /// Blocks until at least one event arrived.
    public func next() throws(End) -> [JobEvent] {
        while true {
            let events = try buffered()
            if !events.isEmpty { return events }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, -1) < 0 && errno != EINTR { throw .broken(SystemError.last.description) }
            let read = try read()
            if !read.isEmpty { return read }
        }
    }

    private func decodeLines() throws(End) -> [JobEvent] {
        var events: [JobEvent] = []
        while let newline = pending.firstIndex(of: 0x0A) {
            let line = pending[..<newline]
            defer { pending.removeSubrange(...newline) }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            let json: JSON
            do { json = try JSON(parsing: line) } catch { throw .undecodable(error.description) }
            guard let event = JobEvent(json: json) else { throw .undecodable("not an event: \(json.compact)") }
            events.append(event)
        }
        return events
    }
}
