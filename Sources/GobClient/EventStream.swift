import Glibc
import GobProtocol
import GobSystem

/// The daemon's event stream on an open subscription (docs/protocol.md, "Events"): read
/// after `poll` says the descriptor is readable; events arrive one JSON object per line.
public final class EventStream {
    /// The connection, for `poll`.
    public let descriptor: Int32
    private var pending: [UInt8] = []

    /// Takes ownership of a connected descriptor whose subscription was acknowledged.
    init(descriptor: Int32, pending: [UInt8]) {
        self.descriptor = descriptor
        self.pending = pending
    }

    deinit { close(descriptor) }

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
        if count == 0 { throw .closed }
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return try decodeLines() }
            throw .broken(SystemError.last.description)
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
