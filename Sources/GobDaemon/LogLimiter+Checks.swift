import Glibc
import GobProject
import GobProtocol
import GobStore
import GobSystem
import GobTOML

extension LogLimiter {
    /// Drops the oldest part of the log `name` when what it keeps passed the stream
    /// limit; returns what it keeps now (nil when it cannot be opened).
    @discardableResult
    func check(_ name: String) -> Int64? {
        guard let fd = logs.openLog(name, flags: O_RDWR) else { return nil }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Int64(info.st_size)
        // Cheap first: a log smaller than its limit was never cut past it.
        guard size > limits.streamBytes else { return size }
        let kept = LogHoles.keptStart(fd)
        guard size - kept > limits.streamBytes else { return size - kept }
        let cut = Self.cutPoint(fd, size: size, kept: kept, limit: limits.streamBytes)
        if let error = LogHoles.drop(fd, through: cut) {
            // A file system that cannot punch holes: the log is emptied instead, so that it
            // stays bounded; its followers start over from its new beginning.
            guard ftruncate(fd, 0) == 0 else {
                logger.error("Cannot drop the oldest output of \(logs.directory)/\(name): \(error); \(SystemError.last)")
                return size - kept
            }
            logger.info("Emptied \(logs.directory)/\(name): it passed \(SizeSyntax.text(limits.streamBytes)) and its file system cannot drop only its oldest part (\(error))")
            return 0
        }
        logger.info("Dropped the oldest \(cut - kept) bytes of \(name): it passed its limit of \(SizeSyntax.text(limits.streamBytes))")
        return size - cut
    }

    /// Where to cut a log of `size` bytes whose kept output starts at `kept`: after the
    /// last line feed that leaves at least half the limit, no earlier than a full limit
    /// before the end; within a line longer than that, at exactly half the limit.
    static func cutPoint(_ fd: Int32, size: Int64, kept: Int64, limit: Int64) -> Int64 {
        let latest = size - limit / 2
        let earliest = max(kept, size - limit)
        var end = latest
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while end > earliest {
            let start = max(earliest, end - Int64(buffer.count))
            let wanted = Int(end - start)
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, off_t(start)) }
            if count < 0 && errno == EINTR { continue }
            guard count == wanted else { break }
            if let newline = buffer[0..<count].lastIndex(of: 0x0A) { return start + Int64(newline) + 1 }
            end = start
        }
        return latest
    }

    /// Measures all logs together; past the total, prunes the oldest runs' logs (by their
    /// last write), never those of a running run.
    func measureTotal() {
        let usage = logs.usage()
        var total = usage.values.reduce(0) { $0 + $1.bytes }
        guard total > limits.totalBytes, let supervision = supervision() else { return }
        let running = supervision.runningRuns()
        var through: [String: Int64] = [:]
        var freed = 0
        for (run, used) in usage.sorted(by: { $0.value.written < $1.value.written }) where !running.contains(run) {
            guard total > limits.totalBytes else { break }
            through[run.jobID] = max(through[run.jobID] ?? 0, run.number)
            total -= used.bytes
            freed += 1
        }
        guard !through.isEmpty else { return }
        logger.info("All logs passed \(SizeSyntax.text(limits.totalBytes)): pruning the logs of \(freed) of the oldest runs")
        supervision.prune(through)
    }
}
