import Glibc
import GobSystem

/// One reply line from the daemon, in memory read into directly: it grows with
/// `realloc` (which moves large blocks by remapping pages, not copying them) and is never
/// zero-filled first. A `list` of thousands of jobs is a reply of hundreds of kilobytes,
/// and a growing, zero-filled array cost it copies and page faults.
public final class ReplyLine {
    @usableFromInline var base: UnsafeMutableRawPointer?
    private var capacity = 0
    /// Bytes of the line, without its line feed.
    public private(set) var count = 0
    /// Bytes read after the line feed (the start of what follows a `list_json` reply
    /// line), kept right behind it.
    private var surplus = 0

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

    /// Writes the `total` bytes that follow the line to `output`: those read with it, then
    /// the rest from `fd`, 64 KiB at a time through this line's memory behind it, so a
    /// list of a thousand jobs never sits in memory whole. Returns how many came before
    /// the stream ended (`total` unless the daemon went away); stops quietly when
    /// `output` is closed (`gob list --json | head`). Throws on read errors, but for
    /// those after which `readAgain` says to read again (the receive timeout, while the
    /// daemon is at work).
    func relay(from fd: Int32, to output: Int32, total: Int, readAgain: (SystemError) -> Bool) throws(SystemError) -> Int {
        let chunk = 65_536
        if capacity - count - 1 < chunk {
            guard let moved = realloc(base, count + 1 + chunk) else { throw SystemError(ENOMEM) }
            base = moved
            capacity = count + 1 + chunk
        }
        guard let base else { return 0 }
        let spare = base + count + 1
        var relayed = 0
        var pending = min(surplus, total)
        var writable = true
        while true {
            if pending > 0 {
                if writable {
                    do { try Descriptor.writeAll(output, UnsafeRawBufferPointer(start: spare, count: pending), waitWhenFull: true) } catch {
                        writable = false
                    }
                }
                relayed += pending
            }
            guard relayed < total else { return relayed }
            pending = 0
            let received = Glibc.read(fd, spare, min(chunk, total - relayed))
            if received < 0 {
                if errno == EINTR { continue }
                let error = SystemError.last
                if readAgain(error) { continue }
                throw error
            }
            if received == 0 { return relayed }
            pending = received
        }
    }

    /// Keeps `received` more bytes; returns whether they hold the line feed, which ends
    /// the line there (anything after it is dropped).
    func keep(_ received: Int) -> Bool {
        guard let base, received > 0 else { return false }
        if let newline = memchr(base + count, 0x0A, received) {
            let end = base.distance(to: newline)
            surplus = count + received - end - 1
            count = end
            return true
        }
        count += received
        return false
    }
}
