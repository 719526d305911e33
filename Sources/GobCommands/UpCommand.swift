import ArgumentParser
import GobProtocol

/// `gob up [NAME...]`: start the project's jobs from its gobfile and wait until they are
/// up.
struct UpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start the project's jobs from .config/gobfile.toml",
        usage: "gob up [--dry-run] [--json] [--tail <n>] [<name>...]",
        discussion: """
            Reads the project's gobfile (.config/gobfile.toml here or in the nearest \
            parent directory, up to the repository root or $HOME) and starts every entry \
            with autostart = true, or the entries named, that is not running yet: each \
            as a job of its directory (dir, relative to the project root), with its \
            description, this shell's environment plus the entry's env, and its \
            readiness rule (ready_log, ready_timeout). A stopped job of the same entry \
            is started again under its ID. Then gob waits for the readiness of all of \
            them at once and prints one line per entry. Blocked entries are never \
            started. Running it again changes nothing: it is idempotent.

            --dry-run lists what would start without starting anything. --json prints \
            one JSON object instead of the lines. docs/gobfile.md describes the file.

            Examples:
              gob up
              gob up web worker
              gob up --dry-run

            Output:
              web     k3v  ready after 1.3s
              worker  b7q  running
              db      x1z  already running

            Exit status: 0 when every entry is running (and ready, where it has a \
            rule); 124 when one was not ready within its ready_timeout (it keeps \
            running); 1 when one could not be started, ended before it was ready, or \
            the gobfile has an error; 125 when the gob daemon could not be reached or \
            went away; 130 when interrupted.
            """)

    @Flag(help: "List what would start, start nothing")
    var dryRun = false

    @Option(help: ArgumentHelp("Lines of each log shown for a job that is not ready (default 20)", valueName: "n"))
    var tail: String?

    @Flag(help: "Print one JSON object")
    var json = false

    @Argument(help: ArgumentHelp("Entries to start (default: those with autostart = true)", valueName: "name"))
    var names: [String] = []

    func run() throws {
        let lines = try FlagValue.lineCount(tail, flag: "--tail")
        let gobfile = try ProjectFile.load()
        let entries = names.isEmpty
            ? gobfile.entries.filter { $0.autostart && !$0.blocked } : try ProjectFile.entries(named: names, in: gobfile)
        let up = ProjectUp(gobfile: gobfile, entries: entries, tail: lines ?? LogTails.readinessDefault, json: json)
        if dryRun { return try up.dryRun() }
        try up.run()
    }
}
