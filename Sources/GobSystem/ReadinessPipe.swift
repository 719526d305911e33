import Glibc

/// The pipe on which a process started in the background says, in one line, whether it
/// is ready: the client starting the daemon reads `ok` (or why not) from it, so it never
/// has to guess from sockets or sleeps.
public enum ReadinessPipe {
    /// The descriptor number the started process finds the write end under.
    public static let childDescriptor: Int32 = 3

    /// A pipe with both ends close-on-exec. The write end is never `childDescriptor`:
    /// the spawn moves it there with `dup2`, which clears close-on-exec only when the
    /// numbers differ.
    public static func open() throws(SystemError) -> (read: Int32, write: Int32) {
        var (readEnd, writeEnd) = try SystemPipe.open()
        if writeEnd == childDescriptor {
            let moved = fcntl(writeEnd, F_DUPFD_CLOEXEC, 10)
            let error = SystemError.last
            Descriptor.close(writeEnd)
            guard moved >= 0 else {
                Descriptor.close(readEnd)
                throw error
            }
            writeEnd = moved
        }
        return (readEnd, writeEnd)
    }

    /// The first line written on the read end `fd`, without its line feed; empty when
    /// the writer closed it, or `deadline` passed, before a whole line.
    public static func firstLine(from fd: Int32, until deadline: Int64) -> String {
        var reader = LineReader(fd: fd, limit: 65_536, chunkSize: 512)
        guard let line = try? reader.next(deadline: deadline) else { return "" }
        return String(decoding: line, as: UTF8.self)
    }

    /// Writes `line` and a line feed to the write end `fd` and closes it: the one word
    /// the starting process waits for.
    public static func tell(_ fd: Int32, _ line: String) {
        Descriptor.writeAllIgnoringErrors(fd, Array((line + "\n").utf8))
        Descriptor.close(fd)
    }
}
