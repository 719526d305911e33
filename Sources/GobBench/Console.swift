import GobSystem

/// Output of the benchmark: the report on stdout, progress and errors on stderr, written
/// straight to the descriptors (C's `stdout`/`stderr` globals are shared mutable state to
/// Swift 6).
enum Console {
    /// Writes `text` to stdout.
    static func out(_ text: String) {
        write(all: text, to: 1)
    }

    /// Writes `text` and a newline to stderr.
    static func progress(_ text: String) {
        write(all: text + "\n", to: 2)
    }

    /// Writes all of `text`, retrying short writes and interruptions.
    private static func write(all text: String, to fd: Int32) {
        Descriptor.writeAllIgnoringErrors(fd, Array(text.utf8))
    }
}
