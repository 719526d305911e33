import Glibc

/// Reads newline-terminated lines from a descriptor (a pipe or a socket) with a
/// deadline, through `poll(2)`, so a silent peer cannot hang the reader: a daemon's
/// readiness word, a subscription's acknowledgement, the benchmark's replies.
public struct LineReader {
    /// Why no line came.
    public enum Failure: Error, Equatable, Sendable {
        /// The deadline passed first.
        case timedOut
        /// More than the reader's limit arrived without a line feed.
        case tooLong
        /// `poll` or `read` failed.
        case system(SystemError)
    }

    public let fd: Int32
    private let limit: Int
    private var buffer: [UInt8] = []
    private var chunk: [UInt8]

    /// A reader of `fd`, which stays owned by the caller; a line may be at most `limit`
    /// bytes.
    public init(fd: Int32, limit: Int = Int.max, chunkSize: Int = 65_536) {
        self.fd = fd
        self.limit = limit
        chunk = [UInt8](repeating: 0, count: chunkSize)
    }

    /// Bytes read after the last line returned, not yet a whole line.
    public var remainder: [UInt8] { buffer }

    /// The next line without its line feed; nil at the end of the stream with nothing
    /// left. What is left there without a line feed is returned as the last line when
    /// `partialAtEnd`, else dropped (a reply cut short is no reply). Waits until
    /// `deadline` (a `MonotonicClock` instant), forever when nil.
    public mutating func next(deadline: Int64?, partialAtEnd: Bool = true) throws(Failure) -> [UInt8]? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            if buffer.count > limit { throw .tooLong }
            let timeout = deadline.map(MonotonicClock.pollTimeout(until:)) ?? -1
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .system(.last)
            }
            if ready == 0 { throw .timedOut }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw .system(.last)
            }
            if count == 0 {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return partialAtEnd ? buffer : nil
            }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }
}
