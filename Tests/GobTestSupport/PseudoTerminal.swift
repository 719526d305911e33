import Glibc
import CGobTestShims

/// A pseudo-terminal pair, for code that must tell a terminal from a pipe or a file.
public final class PseudoTerminal: Sendable {
    /// The controlling side (what a terminal emulator holds).
    public let controller: Int32
    /// The terminal side (what a program run in the terminal sees as its tty).
    public let terminal: Int32

    /// A new pair; nil when the system has none to give.
    public init?() {
        var controller: Int32 = -1
        var terminal: Int32 = -1
        guard gob_test_open_pty(&controller, &terminal) == 0 else { return nil }
        self.controller = controller
        self.terminal = terminal
    }

    deinit {
        close(terminal)
        close(controller)
    }
}
