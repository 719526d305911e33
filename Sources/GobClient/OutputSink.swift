import Glibc
import GobProtocol
import GobSystem

/// Where followed output goes: the process's standard output, written straight to the
/// descriptor (no stdio buffer to flush at odd times), in colour only on a terminal and
/// without `NO_COLOR`.
public struct OutputSink: Sendable {
    public let descriptor: Int32
    /// ANSI colours only for a terminal without `NO_COLOR` (docs/output.md).
    public let colors: Bool
    /// Job output passes `TerminalText` first: the descriptor is a terminal and the
    /// command writes whole lines of job output (`run`, `await`, the `-f` follows, `logs`),
    /// not a byte-for-byte copy (`stdout`, `stderr`).
    public let sanitizes: Bool

    /// - Parameter sanitizing: make job output harmless when the descriptor is a terminal.
    public init(descriptor: Int32 = 1, colors: Bool? = nil, sanitizing: Bool = false) {
        self.descriptor = descriptor
        let terminal = isatty(descriptor) == 1
        self.colors = colors ?? (terminal && environmentValue("NO_COLOR") == nil)
        sanitizes = sanitizing && terminal
    }

    /// Writes every byte; false when the reader is gone.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        let bytes = sanitizes ? TerminalText.sanitize(bytes, keepColors: colors, keepCarriageReturns: false) : bytes
        return Descriptor.writeAllIgnoringErrors(descriptor, bytes)
    }

    @discardableResult
    public func write(_ text: String) -> Bool { write(Array(text.utf8)) }

    /// The prefix of a job's stdout lines: `[<id>] `.
    public func stdoutPrefix(_ id: String) -> String { "[\(id)] " }

    /// The prefix of a job's stderr lines: `[<id>] ` in 256-colour orange when coloured.
    public func stderrPrefix(_ id: String) -> String {
        colors ? "\u{1B}[38;5;208m[\(id)]\u{1B}[0m " : "[\(id)] "
    }

    /// A `[monitor]` line of `gob logs` (docs/output.md), cyan when coloured.
    public func monitorLine(_ text: String) -> String {
        (colors ? "\u{1B}[36m[monitor]\u{1B}[0m " : "[monitor] ") + text + "\n"
    }
}
