import CGobShims
import Glibc

/// Logs whose oldest part the daemon dropped. A run's stream that grows past its limit
/// is cut by deallocating its beginning (`FALLOC_FL_PUNCH_HOLE`): the file keeps its
/// size and every offset stays valid, so the job's appends and every reader's position
/// go on undisturbed, and the dropped part reads as a hole. The cut lies at a line
/// boundary; the file system deallocates whole blocks and zeroes the rest of the block
/// the cut falls in, so the kept output begins at the first byte after the hole that is
/// not zero.
public enum LogHoles {
    /// How far past the hole the zeroed part of a block can reach at most (the largest
    /// file-system block gob expects).
    static let largestBlock: Int64 = 64 << 10

    /// Where the kept output of the log open as `fd` begins: 0 for a log never cut (or on
    /// a file system that cannot tell holes); after a cut, the first byte past what was
    /// dropped. Reads with `pread` and `lseek`: a reader's own `pread` offsets are not
    /// disturbed (a descriptor's file position may move).
    public static func keptStart(_ fd: Int32) -> Int64 {
        let data = gob_seek_data(fd, 0)
        if data == 0 || data == -Int64(EINVAL) { return 0 }
        if data < 0 {
            // Only holes (everything dropped) or an empty file: nothing is kept yet.
            guard data == -Int64(ENXIO) else { return 0 }
            var info = stat()
            return fstat(fd, &info) == 0 ? Int64(info.st_size) : 0
        }
        var position = data
        var buffer = [UInt8](repeating: 0, count: 4096)
        while position < data + largestBlock {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(position)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return position }
            if let first = buffer[0..<count].firstIndex(where: { $0 != 0 }) { return position + Int64(first) }
            position += Int64(count)
        }
        return position
    }

    /// Drops the first `length` bytes of the log open (writable) as `fd`; nil on success,
    /// else why not (`EOPNOTSUPP`: the file system cannot punch holes).
    public static func drop(_ fd: Int32, through length: Int64) -> SystemError? {
        let result = gob_punch_hole(fd, length)
        return result == 0 ? nil : SystemError(-result)
    }
}
