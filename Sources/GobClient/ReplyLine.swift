import Glibc

/// One reply line from the daemon, in memory read into directly: it grows with
/// `realloc` (which moves large blocks by remapping pages, not copying them) and is never
/// zero-filled first. A `list` of thousands of jobs is a reply of hundreds of kilobytes,
/// and a growing, zero-filled array cost it copies and page faults.
public final class ReplyLine {
    @usableFromInline var base: UnsafeMutableRawPointer?
    private var capacity = 0
    /// Bytes of the line, without its line feed.
    public private(set) var count = 0

    init() {}

    deinit { free(base) }

    /// Calls `body` with the line's bytes, valid during the call only.
    ///
    /// Inlinable so that each caller gets it specialized: called across modules as a
    /// generic, it made the runtime build the result's type from its mangled name and
    /// check `E: Error` by scanning every conformance of the executable, 300,000
    /// instructions of a 790,000-instruction `gob list`.
    @inlinable
    public func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeBufferPointer(start: base?.assumingMemoryBound(to: UInt8.self), count: count))
    }

    /// Moves the line `headroom` bytes up in memory of `headroom` plus its length and
    /// returns that memory, for a reader that writes over the line as it reads it
    /// (`JobListTranscoder.transcodeInPlace`); nil when the memory cannot be had. The
    /// memory stays the line's, valid while it lives; `withBytes` no longer gives the line.
    public func makeHeadroom(_ headroom: Int) -> UnsafeMutableBufferPointer<UInt8>? {
        let length = count
        if capacity < headroom + length {
            guard let moved = realloc(base, headroom + length) else { return nil }
            base = moved
            capacity = headroom + length
        }
        guard let base else { return nil }
        memmove(base + headroom, base, length)
        count = 0
        return UnsafeMutableBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: headroom + length)
    }

    /// Reads the next part of the line from `fd` with one `read`: what it returned
    /// (0 at the end of the stream), or -1 with `errno` set. Grows the buffer first when
    /// less than `chunk` bytes are free.
    func read(from fd: Int32, chunk: Int) -> Int {
        if capacity - count < chunk {
            let grown = max(capacity * 2, count + chunk)
            guard let moved = realloc(base, grown) else {
                errno = ENOMEM
                return -1
            }
            base = moved
            capacity = grown
        }
        guard let base else { return 0 }
        return Glibc.read(fd, base + count, capacity - count)
    }

    /// Keeps `received` more bytes; returns whether they hold the line feed, which ends
    /// the line there (anything after it is dropped).
    func keep(_ received: Int) -> Bool {
        guard let base, received > 0 else { return false }
        if let newline = memchr(base + count, 0x0A, received) {
            count = base.distance(to: newline)
            return true
        }
        count += received
        return false
    }
}
