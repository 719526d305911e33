import Glibc

/// Writes bytes into memory it is given, for a writer that appends many small pieces
/// (`JobListTranscoder`): plain stores, where `[UInt8].append` checked uniqueness and
/// capacity out of line for every piece. When the memory is full it writes nothing more
/// and says so (`overflowed`).
///
/// Written in place (`inPlace`), it writes over bytes that have been read, in front of
/// what is still to be read (`keepBefore`), and moves to memory of its own when that
/// room runs out, so it never overflows.
struct ByteWriter {
    private(set) var base: UnsafeMutablePointer<UInt8>?
    private var capacity: Int
    /// Where writing must stop: `capacity`, or in place, the first byte still to be read.
    private var limit: Int
    /// How many bytes are written.
    private(set) var count = 0
    /// A write did not fit: the bytes are incomplete.
    private(set) var overflowed = false
    /// Writes in place, moving to memory of its own when the room runs out.
    private var spills = false
    /// The memory of its own (allocated with `malloc`), which the owner frees.
    private(set) var allocated: UnsafeMutablePointer<UInt8>?

    init(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress
        capacity = buffer.count
        limit = capacity
    }

    /// A writer over `memory`, whose first `room` bytes may be written; `keepBefore`
    /// moves that bound as reading goes on.
    static func inPlace(_ memory: UnsafeMutableBufferPointer<UInt8>, room: Int) -> ByteWriter {
        var writer = ByteWriter(into: memory)
        writer.limit = min(room, memory.count)
        writer.spills = true
        return writer
    }

    /// In place, lets writing go up to `position`, the first byte still to be read.
    mutating func keepBefore(_ position: Int) {
        if spills && allocated == nil { limit = min(max(limit, position), capacity) }
    }

    /// Starts over, dropping what was written (not an overflow: that stays).
    mutating func rewind() { count = 0 }

    /// Drops what was written after the first `mark` bytes (not an overflow: that stays).
    mutating func rewind(to mark: Int) { count = min(count, mark) }

    /// Whether `needed` more bytes fit; marks the writer overflowed when not.
    @inline(__always)
    private mutating func fits(_ needed: Int) -> Bool {
        if count + needed <= limit, !overflowed { return true }
        return makeRoom(needed)
    }

    /// Room for `needed` more bytes in memory of its own, when writing in place; else
    /// the writer is marked overflowed.
    @inline(never)
    private mutating func makeRoom(_ needed: Int) -> Bool {
        guard spills, !overflowed else {
            overflowed = true
            return false
        }
        let grown = max(capacity, (count + needed) * 2, 4096)
        guard let memory = (allocated == nil ? malloc(grown) : realloc(allocated, grown))?
            .assumingMemoryBound(to: UInt8.self)
        else {
            overflowed = true
            return false
        }
        if allocated == nil, let base, count > 0 { memory.update(from: base, count: count) }
        allocated = memory
        base = memory
        capacity = grown
        limit = grown
        return true
    }

    /// Writes one byte.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        guard fits(1), let base else { return }
        base[count] = byte
        count += 1
    }

    /// Writes `bytes` as they are.
    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, fits(bytes.count), let base else { return }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Writes a literal's UTF-8.
    @inline(__always)
    mutating func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Writes `bytes` as they are.
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// The decimal digits of `value`, as `JSON.writeInteger` writes them.
    mutating func append(integer value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt64 = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        repeat {
            append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        } while divisor > 0
    }

    /// `value` as a JSON string, escaped by `JSON.writeString`.
    mutating func append(string value: String) {
        var escaped: [UInt8] = []
        JSON.writeString(value, into: &escaped)
        append(escaped)
    }

    /// The start of a job object's member at level 1 of `list --json`'s array: `,` unless
    /// `first`, a line break, 4 spaces, `"key": `. One capacity check and one copy: the
    /// transcoder writes this for every field of thousands of jobs.
    @inline(__always)
    mutating func appendMemberKey(_ key: StaticString, first: Bool) {
        let count = key.utf8CodeUnitCount
        let width = (first ? 0 : 1) + 6 + count + 3
        guard fits(width), let base else { return }
        var at = base + self.count
        if !first {
            at[0] = UInt8(ascii: ",")
            at += 1
        }
        at[0] = 0x0A
        (at + 1).update(repeating: UInt8(ascii: " "), count: 4)
        at[5] = UInt8(ascii: "\"")
        (at + 6).update(from: key.utf8Start, count: count)
        at[6 + count] = UInt8(ascii: "\"")
        at[7 + count] = UInt8(ascii: ":")
        at[8 + count] = UInt8(ascii: " ")
        self.count += width
    }

    /// `bytes` between quotes, as they are: a string that needs no escape.
    @inline(__always)
    mutating func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard fits(bytes.count + 2), let base else { return }
        base[count] = UInt8(ascii: "\"")
        if let source = bytes.baseAddress { (base + count + 1).update(from: source, count: bytes.count) }
        base[count + 1 + bytes.count] = UInt8(ascii: "\"")
        count += bytes.count + 2
    }

    /// `bytes` as a JSON string, escaped by `JSON.writeBytes`.
    mutating func append(bytesString bytes: [UInt8]) {
        var escaped: [UInt8] = []
        JSON.writeBytes(bytes, into: &escaped)
        append(escaped)
    }

    /// A line feed and `2 * level` spaces: `list --json`'s indentation.
    @inline(__always)
    mutating func newline(level: Int) {
        let width = 1 + 2 * level
        guard fits(width), let base else { return }
        base[count] = 0x0A
        (base + count + 1).update(repeating: UInt8(ascii: " "), count: width - 1)
        count += width
    }
}
