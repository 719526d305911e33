import Glibc
import GobProtocol
import GobSystem

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
        var upgradeTried = false
        while true {
            attempt += 1
            do throws(SubscribeError) {
                if let stream = try subscribeOnce(line, workdir: workdir) { return stream }
            } catch {
                // A daemon of an older gob is upgraded in place, once, and asked again.
                guard case .refused(_, code: .versionMismatch?) = error, !upgradeTried else { throw error }
                upgradeTried = true
                guard upgradeDaemon() else { throw error }
                continue
            }
            let now = MonotonicClock.now()
            if let deadline, now >= deadline { throw .connect(.timedOut) }
            guard now < giveUp else { throw .connect(.daemonStopped) }
            MonotonicClock.sleep(milliseconds: min(100, attempt * 5))
        }
    }

    /// One try: the stream, or nil when the connection ended before an answer or the
    /// daemon is shutting down.
    private func subscribeOnce(_ line: [UInt8], workdir: OSString?) throws(SubscribeError) -> EventStream? {
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
        // The acknowledgement comes within the quick requests' bound (or what is left of
        // the command's deadline); a connection that ends before a whole line is retried.
        let timeout = (try? bounded(Self.quickTimeoutMilliseconds)) ?? 1
        var reader = LineReader(fd: fd, chunkSize: 4096)
        let acknowledgement: [UInt8]
        do throws(LineReader.Failure) {
            guard let line = try reader.next(deadline: MonotonicClock.now() + timeout * 1_000_000, partialAtEnd: false) else {
                Descriptor.close(fd)
                return nil
            }
            acknowledgement = line
        } catch {
            Descriptor.close(fd)
            if error == .timedOut { throw .connect(timeoutFailure(pid: pid, waitedUpTo: Self.quickTimeoutMilliseconds)) }
            return nil
        }
        let response = (try? JSON(parsing: acknowledgement)).flatMap(Response.init(json:))
        if response?.code == .shuttingDown {
            Descriptor.close(fd)
            return nil
        }
        guard let response, response.success else {
            Descriptor.close(fd)
            throw .refused(response?.error ?? "undecodable reply", code: response?.code)
        }
        return EventStream(descriptor: fd, pending: reader.remainder, client: self, workdir: workdir)
    }

    /// A new subscription after the daemon's stream ended, when a daemon took its place:
    /// the same socket answers again (an in-place restart keeps it, with the connections
    /// queued meanwhile), or nothing answers on it any more (the daemon was killed: a
    /// new one is started, which adopts its jobs). Nil when the socket is gone (the
    /// daemon was stopped on purpose) or no daemon answered within the retry window.
    func resubscribe(workdir: OSString?) -> EventStream? {
        var info = stat()
        guard lstat(paths.socket, &info) == 0 else { return nil }
        return try? subscribe(workdir: workdir)
    }
}
