import Glibc
import GobSystem

/// Where the last N lines of a log begin (`--tail N`), found by reading backwards from
/// the end in fixed-size chunks: a 1 GB log costs one or two reads, never a full scan.
public enum LastLines {
    /// Bytes read per step backwards.
    static let chunk = 65_536

    /// The offset at which the last `count` lines of the file at `path` start; where its
    /// kept output starts (0, unless its oldest part was dropped: `LogHoles`) when the
    /// file has fewer lines, 0 when it cannot be read. A final line feed ends the last line (it
    /// does not start an empty one); a last line without one still counts as a line.
    public static func startOffset(ofLast count: Int, inFileAt path: String) -> Int64 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        return startOffset(ofLast: count, descriptor: fd)
    }

    /// `startOffset(ofLast:inFileAt:)` on an open descriptor (read with `pread`, so the
    /// descriptor's position is left alone).
    public static func startOffset(ofLast count: Int, descriptor fd: Int32) -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return 0 }
        let size = Int64(info.st_size)
        guard count > 0 else { return size }
        let kept = LogHoles.keptStart(fd)
        var end = size
        var newlines = 0
        var buffer = [UInt8](repeating: 0, count: chunk)
        while end > kept {
            let start = max(kept, end - Int64(chunk))
            let length = Int(end - start)
            guard readFully(fd, into: &buffer, length: length, at: start) else { return 0 }
            var index = length - 1
            while index >= 0 {
                // The line feed that ends the file ends the last line; it is not a boundary.
                if buffer[index] == 0x0A, start + Int64(index) != size - 1 {
                    newlines += 1
                    if newlines == count { return start + Int64(index) + 1 }
                }
                index -= 1
            }
            end = start
        }
        return kept
    }

    /// Reads exactly `length` bytes at `offset`; false when the file got shorter meanwhile.
    private static func readFully(_ fd: Int32, into buffer: inout [UInt8], length: Int, at offset: Int64) -> Bool {
        var done = 0
        while done < length {
            let count = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress.map { $0 + done }, length - done, off_t(offset + Int64(done)))
            }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return false }
            done += count
        }
        return true
    }
}
