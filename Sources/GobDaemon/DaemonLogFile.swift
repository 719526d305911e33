import Glibc
import GobProtocol
import Logging
import Synchronization
import GobSystem

/// `<rt>/daemon.log` (docs/files.md): Go-style `YYYY/MM/DD HH:MM:SS message` lines, also
/// copied to stderr (which is /dev/null when the daemon was auto-started), kept under
/// `limit` bytes by dropping the oldest part.
public final class DaemonLogFile: Sendable {
    private let fd = Mutex<Int32>(-1)
    private let directory: RuntimeDirectory
    private let limit: Int
    private let keep: Int

    /// Opens `daemon.log` in the runtime directory, never through a symlink; nil when
    /// it cannot be opened (errno set).
    public init?(directory: RuntimeDirectory, limit: Int = 1 << 20) {
        guard let descriptor = try? Self.open(in: directory) else { return nil }
        fd.withLock { $0 = descriptor }
        self.directory = directory
        self.limit = limit
        keep = limit / 4
    }

    deinit {
        fd.withLock { Descriptor.close($0) }
    }

    private static func open(in directory: RuntimeDirectory) throws(SystemError) -> Int32 {
        try directory.open("daemon.log", flags: O_WRONLY | O_CREAT | O_APPEND, mode: 0o600)
    }

    /// Writes to `daemon.log` of the runtime directory as it is now: after the directory
    /// was recreated or mounted anew, the old file is out of reach.
    public func reopen() {
        guard let reopened = try? Self.open(in: directory) else { return }
        fd.withLock { fd in
            Descriptor.close(fd)
            fd = reopened
        }
    }

    /// Appends one line.
    public func write(_ message: String) {
        let line = Array((Self.prefix() + message + "\n").utf8)
        Descriptor.writeAllIgnoringErrors(2, line)
        fd.withLock { fd in
            var info = stat()
            // Deleted with the runtime directory: write to the new file once there is one.
            if fstat(fd, &info) == 0, info.st_nlink == 0, let reopened = try? Self.open(in: directory) {
                Descriptor.close(fd)
                fd = reopened
            }
            Descriptor.writeAllIgnoringErrors(fd, line)
            if fstat(fd, &info) == 0, Int(info.st_size) > limit { trim(fd, size: Int(info.st_size)) }
        }
    }

    /// Keeps the newest `keep` bytes, from a line start.
    private func trim(_ fd: Int32, size: Int) {
        var tail = [UInt8](repeating: 0, count: keep)
        let n = tail.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(size - keep)) }
        guard n > 0 else { return }
        var kept = Array(tail[0..<n])
        if let newline = kept.firstIndex(of: 0x0A) { kept.removeSubrange(0...newline) }
        guard ftruncate(fd, 0) == 0 else { return }
        Descriptor.writeAllIgnoringErrors(fd, Array("(older daemon log lines dropped)\n".utf8) + kept)
    }

    private static func prefix() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)/\(two(parts.tm_mon + 1))/\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) "
    }
}

/// A swift-log handler writing to a `DaemonLogFile`.
public struct DaemonLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let file: DaemonLogFile

    public init(file: DaemonLogFile) { self.file = file }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        file.write(event.message.description)
    }
}
