import GobProtocol

/// One `[[job]]` of a gobfile: a job the project runs (a dev server, a worker, a
/// watcher), or, with `blocked`, a command gob refuses to start in the project.
public struct GobfileEntry: Sendable, Equatable {
    /// How `gob up NAME`, `gob down NAME` and the job's `gobfile_name` call the entry:
    /// its `name`, or without one its command as gob shows it (`npm run dev`), so files
    /// written without names work unchanged.
    public var name: String
    /// The argv: a `command` string split as a shell would split it (no expansion), or a
    /// `command` array taken as it is.
    public var command: [OSString]
    /// One line of context, given to the job (`gob list` shows it) and, for a blocked
    /// entry, the reason a start is refused.
    public var description: String?
    /// `gob up` without names starts it.
    public var autostart: Bool
    /// No start of this command is allowed in the project.
    public var blocked: Bool
    /// The working directory: the project root, or `dir` below it.
    public var workdir: OSString
    /// Extra variables (`KEY=VALUE`), added to the starting command's environment.
    public var environment: [OSString]
    /// When the job counts as ready (`ready_log`, `ready_port`, `ready_timeout`).
    public var ready: ReadinessRule?
    /// The `ready_port` the entry asks for: a port, or 0 for any port the job listens on.
    public var readyPort: Int? { ready?.port }
    /// The line of the entry's `[[job]]` header, for messages.
    public var line: Int

    public init(
        name: String, command: [OSString], description: String? = nil, autostart: Bool = false, blocked: Bool = false,
        workdir: OSString, environment: [OSString] = [], ready: ReadinessRule? = nil, line: Int = 1
    ) {
        self.name = name
        self.command = command
        self.description = description
        self.autostart = autostart
        self.blocked = blocked
        self.workdir = workdir
        self.environment = environment
        self.ready = ready
        self.line = line
    }

    /// The command as gob shows it, quoted where a shell would need it.
    public var commandLine: String { ShellWords.quote(byteWords: command.map(\.bytes)) }

    /// `environment` laid over `base` (entries of `base` with the same name are replaced):
    /// what a job of this entry gets from the command that starts it.
    public func environment(over base: [OSString]) -> [OSString] {
        guard !environment.isEmpty else { return base }
        var names = Set<[UInt8]>()
        for entry in environment { names.insert(Self.variableName(entry)) }
        var merged: [OSString] = []
        merged.reserveCapacity(base.count + environment.count)
        for entry in base where !names.contains(Self.variableName(entry)) { merged.append(entry) }
        merged.append(contentsOf: environment)
        return merged
    }

    private static func variableName(_ entry: OSString) -> [UInt8] {
        Array(entry.bytes.prefix { $0 != UInt8(ascii: "=") })
    }
}
