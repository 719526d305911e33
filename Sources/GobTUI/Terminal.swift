import Glibc
import CGobShims
import GobSystem

/// The one place that touches the terminal: raw mode through termios, the alternate
/// screen, the hidden cursor, the size, and writing frames.
///
/// `leave()` gives everything back; the C shim also does it when the process dies of a
/// fatal signal, so a crash never leaves the user's terminal in raw mode.
final class Terminal {
    let input: Int32
    let output: Int32
    let capabilities: TerminalCapabilities
    private var previous: Screen?
    private var active = false

    init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, capabilities: TerminalCapabilities) {
        self.input = input
        self.output = output
        self.capabilities = capabilities
    }

    deinit { leave() }

    /// Raw mode, alternate screen, cursor hidden, line wrap off (so writing the last
    /// column never scrolls), screen cleared.
    func enter() throws(TUIError) {
        guard isatty(input) == 1, isatty(output) == 1 else {
            throw TUIError("gob tui needs a terminal: standard input and output must be a TTY")
        }
        let rc = gob_tty_enter_raw(input, output)
        guard rc == 0 else { throw TUIError("failed to set up the terminal: \(SystemError(rc))") }
        active = true
        write(Array("\u{1B}[?1049h\u{1B}[?25l\u{1B}[?7l\u{1B}[0m\u{1B}[2J".utf8))
    }

    /// Restores the terminal as it was before `enter()`; safe to call more than once.
    func leave() {
        guard active else { return }
        active = false
        gob_tty_restore()
    }

    /// The terminal's size; 80×24 when it cannot be read.
    func size() -> Size {
        var rows: Int32 = 0
        var columns: Int32 = 0
        guard gob_window_size(output, &rows, &columns) == 0, rows > 0, columns > 0 else {
            return Size(rows: 24, columns: 80)
        }
        return Size(rows: Int(rows), columns: Int(columns))
    }

    /// Draws `screen`, writing only what changed since the last frame. Returns the
    /// number of bytes written.
    @discardableResult
    func draw(_ screen: Screen) -> Int {
        let bytes = FrameEncoder.encode(screen, over: previous, colors: capabilities.colors)
        previous = screen
        if !bytes.isEmpty { write(bytes) }
        return bytes.count
    }

    /// Forgets the last frame: the next `draw` repaints everything.
    func invalidate() {
        previous = nil
    }

    /// Writes every byte, waiting while the terminal is slow.
    private func write(_ bytes: [UInt8]) {
        // A terminal that went away has nothing left to show.
        try? Descriptor.writeAll(output, bytes, waitWhenFull: true)
    }
}
