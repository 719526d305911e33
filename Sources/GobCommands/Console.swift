import Glibc

import GobProtocol

private let systemWrite = Glibc.write

/// Where commands write: results to stdout, errors to stderr. Writes go
/// straight to the descriptors, unbuffered, so nothing is lost at `exit` and the two
/// streams keep their order.
enum Console {
    /// Writes `text` to stdout followed by a line feed.
    static func line(_ text: String) {
        write(text + "\n", to: STDOUT_FILENO)
    }

    /// Writes `value` to stdout as the one JSON object of a `--json` output: two-space
    /// indented like `list --json`, then a line feed. Job commands print the job's whole
    /// wire object, log paths included (docs/output.md).
    static func json(_ value: JSON) {
        line(value.pretty)
    }

    /// Writes `text` to stdout as is.
    static func out(_ text: String) {
        write(text, to: STDOUT_FILENO)
    }

    /// Writes UTF-8 `bytes` to stdout as they are (large outputs skip a String), from
    /// memory the caller holds.
    static func out(bytes: UnsafeBufferPointer<UInt8>) {
        write(bytes, to: STDOUT_FILENO)
    }

    /// Writes `text` to stderr as is.
    static func error(_ text: String) {
        write(text, to: STDERR_FILENO)
    }

    /// Writes all of `text`, retrying short writes; gives up silently on a closed stream.
    private static func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { write($0, to: fd) }
    }

    private static func write(_ bytes: UnsafeBufferPointer<UInt8>, to fd: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
