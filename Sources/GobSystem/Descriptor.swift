import Glibc

/// The loops every part of gob runs on a raw descriptor, written once: write everything,
/// read to the end, close.
///
/// These stay hand-written rather than go through swift-system's `FileDescriptor`
/// because sockets need `send(2)` with `MSG_NOSIGNAL` (which swift-system does not
/// wrap) and a terminal needs a wait when it is full; one loop serves all of them, and
/// a short-lived client pays nothing for an error existential on its path.
public enum Descriptor {
    /// How `writeAll` hands bytes to the kernel.
    public enum Sink: Sendable {
        /// `write(2)`: files, pipes, terminals.
        case file
        /// `send(2)` with `MSG_NOSIGNAL`: a reader that went away is an `EPIPE`, never a
        /// SIGPIPE that would end a client which did not ignore it.
        case socket
    }

    /// Writes every byte, retrying short writes and interruptions. A non-blocking
    /// descriptor that is full (`EAGAIN`) is waited for when `waitWhenFull` (a terminal
    /// the user scrolls back on); otherwise that is an error like any other (a socket's
    /// send timeout reports itself that way).
    public static func writeAll(
        _ fd: Int32, _ bytes: UnsafeRawBufferPointer, to sink: Sink = .file, waitWhenFull: Bool = false
    ) throws(SystemError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = switch sink {
            case .file: write(fd, base + offset, bytes.count - offset)
            case .socket: send(fd, base + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written >= 0 {
                offset += written
                continue
            }
            let code = errno
            if code == EINTR { continue }
            if waitWhenFull, code == EAGAIN {
                var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&poller, 1, 100)
                continue
            }
            throw SystemError(code)
        }
    }

    /// Writes every byte of `bytes`; see `writeAll(_:_:to:waitWhenFull:)`.
    public static func writeAll(
        _ fd: Int32, _ bytes: [UInt8], to sink: Sink = .file, waitWhenFull: Bool = false
    ) throws(SystemError) {
        let outcome = bytes.withUnsafeBytes { raw in
            Result { () throws(SystemError) in try writeAll(fd, raw, to: sink, waitWhenFull: waitWhenFull) }
        }
        try outcome.get()
    }

    /// Writes every byte of `bytes`; false on any failure, for callers with nothing to
    /// do about one (a log line, a readiness word to a client that left).
    @discardableResult
    public static func writeAllIgnoringErrors(_ fd: Int32, _ bytes: [UInt8], to sink: Sink = .file) -> Bool {
        do { try writeAll(fd, bytes, to: sink) } catch { return false }
        return true
    }

    /// Reads to the end of the stream, at most `limit` bytes (a read may bring a little
    /// more than asked; what is past `limit` is dropped). Stops early at an error.
    public static func readAll(_ fd: Int32, limit: Int) -> [UInt8] {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: min(max(limit, 1), 65_536))
        while data.count < limit {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            data.append(contentsOf: chunk[0..<min(count, limit - data.count)])
        }
        return data
    }

    /// `close(2)`, named apart from the many methods called `close`; errors are of no
    /// use after the fact (Linux releases the number whatever it returns).
    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Reads and drops whatever is waiting on a non-blocking descriptor: a wake-up pipe,
    /// a signal pipe, an inotify queue. Returns whether there was anything.
    @discardableResult
    public static func drain(_ fd: Int32) -> Bool {
        var scratch = [UInt8](repeating: 0, count: 4096)
        var any = false
        while true {
            let count = scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return any }
            any = true
        }
    }

    /// Waits until `fd` is readable or `deadline` (a `MonotonicClock` instant; nil: no
    /// deadline) passes. True when readable (or closed, or in error: the read says
    /// which); false at the deadline.
    public static func waitReadable(_ fd: Int32, until deadline: Int64?) -> Bool {
        while true {
            let timeout = deadline.map(MonotonicClock.pollTimeout(until:)) ?? -1
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, timeout)
            if ready > 0 { return true }
            if ready == 0 { return false }
            if errno != EINTR { return true }
        }
    }
}
