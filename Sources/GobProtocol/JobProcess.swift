/// One process of a job's tree as `gob ps` shows it: where it sits in the tree, what it
/// runs and what it costs.
public struct JobProcess: Sendable, Equatable {
    public var pid: Int32
    /// Its parent: a process of the tree, or the daemon for a process whose parent ended.
    public var ppid: Int32
    public var pgid: Int32
    /// The state letter the kernel reports: `R` running, `S` sleeping, `D` uninterruptible,
    /// `T` stopped, `Z` zombie, …
    public var state: String
    /// User plus system CPU time, in milliseconds.
    public var cpuMilliseconds: Int64
    /// Resident memory, in bytes.
    public var rssBytes: Int64
    /// The process's name as the kernel keeps it (at most 15 bytes).
    public var name: String
    /// Its argv; empty when the kernel shows none (a zombie).
    public var command: [OSString]
    /// How deep in the tree: 0 for the job's main process and for processes whose parent
    /// ended, 1 for their children, and so on.
    public var depth: Int

    public init(
        pid: Int32, ppid: Int32, pgid: Int32, state: String, cpuMilliseconds: Int64, rssBytes: Int64,
        name: String, command: [OSString], depth: Int
    ) {
        self.pid = pid
        self.ppid = ppid
        self.pgid = pgid
        self.state = state
        self.cpuMilliseconds = cpuMilliseconds
        self.rssBytes = rssBytes
        self.name = name
        self.command = command
        self.depth = depth
    }

    public var json: JSON {
        .object([
            ("pid", .int(Int64(pid))), ("ppid", .int(Int64(ppid))), ("pgid", .int(Int64(pgid))),
            ("state", .string(state)), ("cpu_ms", .int(cpuMilliseconds)), ("rss_bytes", .int(rssBytes)),
            ("depth", .int(Int64(depth))), ("name", .string(name)), ("command", .array(command.map(JSON.init))),
        ])
    }

    /// Reads one element of a `processes` array; nil when `pid` is missing.
    public init?(json: JSON) {
        guard let pid = json["pid"]?.intValue else { return nil }
        self.init(
            pid: Int32(truncatingIfNeeded: pid), ppid: Int32(truncatingIfNeeded: json["ppid"]?.intValue ?? 0),
            pgid: Int32(truncatingIfNeeded: json["pgid"]?.intValue ?? 0), state: json["state"]?.stringValue ?? "?",
            cpuMilliseconds: json["cpu_ms"]?.intValue ?? 0, rssBytes: json["rss_bytes"]?.intValue ?? 0,
            name: json["name"]?.stringValue ?? "",
            command: (json["command"]?.arrayValue ?? []).compactMap(\.osStringValue),
            depth: Int(json["depth"]?.intValue ?? 0))
    }

    /// The command as `ps` shows it: argv quoted as a shell would need it, or the name in
    /// brackets when there is no argv.
    public var commandLine: String {
        command.isEmpty ? "[\(name)]" : ShellWords.quote(byteWords: command.map(\.bytes))
    }
}
