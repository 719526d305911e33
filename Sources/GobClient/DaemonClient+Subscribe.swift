#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol

extension DaemonClient {
    /// Why a subscription could not be opened.
    public enum SubscribeError: Error, Equatable {
        /// No connection at all, or no answer (worded `failed to connect to daemon: …`,
        /// `daemon (PID n) is not responding`, …).
        case connect(ClientError)
        /// The daemon refused (with its error code, nil when the reply was unreadable or the
        /// connection failed): `subscribe failed: <detail>`.
        case refused(String, code: ErrorCode? = nil)

        public var description: String {
            switch self {
            case let .connect(error): error.description
            case let .refused(detail, _): "subscribe failed: \(detail)"
            }
        }
    }

    /// Opens an event subscription for `workdir` (all directories when nil) and waits for
    /// its acknowledgement, within the quick requests' bound. A connection that ends
    /// before the acknowledgement, or a daemon that is shutting down, is tried again (a
    /// subscription changes nothing). The stream stays open until dropped.
    public func subscribe(workdir: OSString?) throws(SubscribeError) -> EventStream {
        let line = Self.line(for: .subscribe(workdir: workdir), requestID: nil)
        let giveUp = MonotonicClock.now() + Self.retryWindowNanoseconds
        var attempt = 0
        while true {
            attempt += 1
            if let stream = try subscribeOnce(line) { return stream }
            let now = MonotonicClock.now()
            if let deadline, now >= deadline { throw .connect(.timedOut) }
            guard now < giveUp else { throw .connect(.daemonStopped) }
            MonotonicClock.sleep(milliseconds: min(100, attempt * 5))
        }
    }

    /// One try: the stream, or nil when the connection ended before an answer or the
    /// daemon is shutting down.
    private func subscribeOnce(_ line: [UInt8]) throws(SubscribeError) -> EventStream? {
        let socket: UnixSocket
        do { socket = try connectOrStart(timeoutMilliseconds: Self.quickTimeoutMilliseconds) } catch {
            switch error {
            case let .final(error): throw .connect(error)
            case .raced: return nil
            }
        }
        do { try socket.writeAll(line) } catch {
            if error.code == EAGAIN || error.code == EWOULDBLOCK { throw .connect(.notResponding(pid: socket.peerPID)) }
            return nil
        }
        let pid = socket.peerPID
        let fd = socket.takeDescriptor()
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.contains(0x0A) {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                let code = errno
                close(fd)
                if count < 0, code == EAGAIN || code == EWOULDBLOCK {
                    if let deadline, MonotonicClock.now() >= deadline { throw .connect(.timedOut) }
                    throw .connect(.notResponding(pid: pid))
                }
                return nil
            }
            received.append(contentsOf: buffer[0..<count])
        }
        let newline = received.firstIndex(of: 0x0A) ?? received.endIndex
        let response = (try? JSON(parsing: received[..<newline])).flatMap(Response.init(json:))
        if response?.code == .shuttingDown {
            close(fd)
            return nil
        }
        guard let response, response.success else {
            close(fd)
            throw .refused(response?.error ?? "undecodable reply", code: response?.code)
        }
        return EventStream(descriptor: fd, pending: Array(received[(newline + 1)...]))
    }
}
