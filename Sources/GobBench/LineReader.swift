#if canImport(Glibc)
import Glibc
#endif

/// Reads newline-terminated lines from a descriptor (a pipe or a socket) with a deadline,
/// using poll(2) so a silent peer cannot hang the benchmark.
struct LineReader {
    let fd: Int32
    /// What to call the peer in messages.
    let source: String
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 65_536)

    /// A reader of `fd`, which stays owned by the caller.
    init(fd: Int32, source: String) {
        self.fd = fd
        self.source = source
    }

    /// The next line without its newline; nil at end of stream. Throws past `deadline`.
    mutating func next(deadline: Int64) throws(BenchError) -> [UInt8]? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            let timeout = Monotonic.pollTimeout(until: deadline)
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                throw BenchError("poll on \(source): \(FileText.errorText())")
            }
            if ready == 0 { throw BenchError("no line from \(source) in time") }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw BenchError("read from \(source): \(FileText.errorText())")
            }
            if count == 0 {
                guard !buffer.isEmpty else { return nil }
                let rest = buffer
                buffer.removeAll()
                return rest
            }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }
}
