import Glibc

/// The last lines of a job's log, for the reports that say why a wait failed (a job that
/// ended before it was ready, a quiet run that failed): read from the end, so a huge log
/// costs a read or two, and bounded in bytes, so a log of endless lines cannot flood the
/// reader.
public struct LogExcerpt: Sendable, Equatable {
    /// The lines, each ended by a line feed (one is added to a last line without it).
    public var bytes: [UInt8]
    /// How many lines `bytes` holds.
    public var lineCount: Int
    /// Whether the lines were cut to `byteLimit` (their start is missing).
    public var cut: Bool

    /// The most an excerpt holds: its newest bytes are kept.
    public static let byteLimit = 256 * 1024

    /// The last `count` lines of the file at `path`; empty when it has none or cannot be read.
    public init(lastLines count: Int, ofFileAt path: String) {
        bytes = []
        lineCount = 0
        cut = false
        guard count > 0 else { return }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return }
        let size = Int64(info.st_size)
        var start = LastLines.startOffset(ofLast: count, descriptor: fd)
        if size - start > Int64(Self.byteLimit) {
            start = size - Int64(Self.byteLimit)
            cut = true
        }
        var buffer = [UInt8](repeating: 0, count: Int(size - start))
        var done = 0
        while done < buffer.count {
            let read = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress.map { $0 + done }, $0.count - done, off_t(start + Int64(done))) }
            if read < 0 && errno == EINTR { continue }
            if read <= 0 { break }
            done += read
        }
        bytes = Array(buffer[0..<done])
        if let last = bytes.last, last != 0x0A { bytes.append(0x0A) }
        lineCount = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}
