import Glibc
import GobClient
import GobProtocol

/// `gob tui`: the full-screen job manager.
public enum TUI {
    /// Runs the TUI for `workdir` until the user quits; the terminal is restored on
    /// every way out.
    public static func run(workdir: OSString, paths: RuntimePaths) throws(TUIError) {
        // Sockets use MSG_NOSIGNAL, but the clipboard tool's pipe does not.
        signal(SIGPIPE, SIG_IGN)
        let capabilities = TerminalCapabilities(environment: environmentValue)
        let terminal = Terminal(capabilities: capabilities)
        let context = Model.Context(
            workdir: workdir, home: environmentValue("HOME"), environment: OSString.environment(),
            unicode: capabilities.unicode)
        let model = Model(context: context, size: terminal.size())
        let runtime = try TUIRuntime(model: model, terminal: terminal, client: DaemonClient(paths: paths))
        try runtime.run()
    }
}
