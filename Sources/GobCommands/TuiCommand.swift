import ArgumentParser
import GobClient
import GobProtocol
import GobTUI

/// `gob tui`: the full-screen job manager.
struct TuiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Launch interactive TUI",
        discussion: """
            Opens a full-screen view of the jobs of the current directory that updates \
            live: the Jobs panel on the left (a green dot: running; a circle: ended \
            well or stopped by gob; a red cross: failed; after a stopped job's command, \
            how its last run ended), the selected job's stdout and stderr on the right, \
            key hints at the bottom. Every key gets an answer in the status bar. Starts \
            the daemon if needed. It never starts or stops jobs on its own, when it \
            opens or when it quits.

            Keys:
              up/k, down/j     select a job (in a log panel: scroll it)
              1, 2, 3, tab     focus Jobs, stdout, stderr
              s, S             stop the selected job (SIGTERM), kill it (SIGKILL)
              r, d             restart it, delete it (stopped jobs only)
              c                copy its command to the clipboard
              [, ]             show an earlier run's logs, a later one's (back to
                               the current run, live)
              n                start a new job in this directory (typed as in a
                               shell: quotes and backslashes, no expansion)
              p                the project's gobfile entries; enter starts one
                               (blocked ones cannot be started)
              a                show jobs of all directories, or this one again
              g/G, pgup/pgdn   top/bottom, page up/down in a log panel
              f                follow the logs' end on or off
              ?                all keys
              q, ctrl+c        quit

            Examples:
              gob tui

            Exit status: 0 after quitting, 1 on an error (for example when standard \
            input is not a terminal).
            """)

    /// Refused: `tui` takes no arguments.
    @Argument(help: .hidden)
    var arguments: [String] = []

    func run() throws {
        try ArgumentCount.none(arguments, command: "tui")
        let workdir = try DaemonSession.workingDirectory()
        do { try TUI.run(workdir: workdir, paths: RuntimePaths.current()) } catch {
            throw CommandFailure(error.description, code: .ioError)
        }
    }
}
