import GobProtocol

/// A project's jobs, as its `.config/gobfile.toml` lists them: the reference program's
/// path and format (`[[job]]` entries with `command`, `description`, `autostart`,
/// `blocked`), so its users' files work unchanged, and gob's own keys (`name`, `dir`,
/// `env`, `ready_log`, `ready_timeout`, `ready_port`).
///
/// A file is either read whole or refused with the first fault (`GobfileError`: file,
/// line, column): the daemon decides from it which commands are blocked, and half a file
/// could leave a blocked command startable. Keys gob does not know are warnings, never
/// faults, so a newer file still works with an older gob.
public struct Gobfile: Sendable, Equatable {
    public let location: GobfileLocator.Location
    public var entries: [GobfileEntry]
    public var warnings: [GobfileWarning]

    /// The longest file read: a list of jobs is a few kilobytes.
    public static let sizeLimit = 1 << 20

    /// The file's path as a string, for messages.
    public var path: String { location.file.description }

    /// A gobfile as read (by the daemon's parser) or as received from the daemon.
    public init(location: GobfileLocator.Location, entries: [GobfileEntry], warnings: [GobfileWarning]) {
        self.location = location
        self.entries = entries
        self.warnings = warnings
    }

    /// The entry called `name`, if any.
    public func entry(named name: String) -> GobfileEntry? {
        entries.first { $0.name == name }
    }

    /// The blocked entry whose command is exactly `argv`, if any.
    public func blockingEntry(for argv: [OSString]) -> GobfileEntry? {
        entries.first { $0.blocked && $0.command == argv }
    }

    /// Why a start of `entry`'s command is refused, as the daemon says it:
    /// `blocked by .config/gobfile.toml: <command> — <description>`.
    public static func blockedMessage(_ entry: GobfileEntry) -> String {
        let reason = entry.description.map { " — " + $0 } ?? ""
        return "blocked by \(GobfileLocator.relativePath): \(entry.commandLine)\(reason)"
    }
}
