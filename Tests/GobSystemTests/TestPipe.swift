import GobSystem

/// A pipe for one test, closed when the test lets it go; `closeWriteEnd` ends the
/// stream early (what a writer that finished does).
final class TestPipe {
    let read: Int32
    private(set) var write: Int32

    init(nonBlocking: Bool = false) throws {
        (read, write) = try SystemPipe.open(nonBlocking: nonBlocking)
    }

    /// A readiness pipe (`ReadinessPipe.open`) instead of a plain one.
    init(readiness: Void) throws {
        (read, write) = try ReadinessPipe.open()
    }

    /// Closes the write end now; the reader sees the end of the stream.
    func closeWriteEnd() {
        guard write >= 0 else { return }
        Descriptor.close(write)
        write = -1
    }

    /// Forgets the write end, which someone else closed.
    func writeEndClosedElsewhere() { write = -1 }

    deinit {
        Descriptor.close(read)
        closeWriteEnd()
    }
}
