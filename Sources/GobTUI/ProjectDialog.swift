import GobProject
import GobProtocol

/// The project dialog (`p`): the entries of the gobfile governing the TUI's directory,
/// each with whether it runs; a not-running entry can be started from here, a blocked one
/// is marked and cannot be. Read when the dialog opens, so it shows the file as it is now.
public struct ProjectDialog: Equatable, Sendable {
    /// The gobfile, for the title.
    public var path: String
    public var entries: [GobfileEntry]
    /// Index of the selected entry.
    public var cursor = 0
    /// Why the last `enter` started nothing (a blocked entry, one already running); the
    /// dialog hides the status bar, so it says so itself.
    public var problem: String?

    public init(path: String, entries: [GobfileEntry]) {
        self.path = path
        self.entries = entries
    }

    public var selected: GobfileEntry? { entries.indices.contains(cursor) ? entries[cursor] : nil }

    /// The running job of `entry` among `jobs` (same command, same directory), if any.
    public static func runningJob(of entry: GobfileEntry, in jobs: [JobSnapshot]) -> JobSnapshot? {
        jobs.first { $0.status == .running && $0.workdir == entry.workdir && $0.command == entry.command }
    }
}
