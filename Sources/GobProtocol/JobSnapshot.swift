/// A job as the daemon reports it: the protocol's JobResponse (contract §5.4) with the exit
/// status fields of Decision D1.
public struct JobSnapshot: Sendable, Equatable {
    public enum Status: String, Sendable {
        case running
        case stopped
    }

    public var id: String
    public var pid: Int32
    public var status: Status
    public var command: [String]
    public var workdir: String
    /// RFC 3339, whole seconds, the daemon's local time zone (contract §1.8).
    public var createdAt: String
    public var stdoutPath: String
    public var stderrPath: String
    /// Exit code of the last process; nil while running or when it was killed by a signal.
    public var exitCode: Int32?
    /// Name of the signal that killed the last process (`"SIGTERM"`), else nil.
    public var signal: String?
    /// When the last process ended (RFC 3339); nil while running.
    public var endedAt: String?
    /// When the current (or last) process started (RFC 3339).
    public var startedAt: String?
    /// How long the last process ran, in milliseconds; nil while it runs.
    public var runTimeMilliseconds: Int64?
    /// A one-line note about the job (`add -d`), for humans and agents; nil when unset.
    public var description: String?

    public init(
        id: String, pid: Int32, status: Status, command: [String], workdir: String,
        createdAt: String, stdoutPath: String, stderrPath: String,
        exitCode: Int32? = nil, signal: String? = nil, endedAt: String? = nil,
        startedAt: String? = nil, runTimeMilliseconds: Int64? = nil, description: String? = nil
    ) {
        self.id = id
        self.pid = pid
        self.status = status
        self.command = command
        self.workdir = workdir
        self.createdAt = createdAt
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.exitCode = exitCode
        self.signal = signal
        self.endedAt = endedAt
        self.startedAt = startedAt
        self.runTimeMilliseconds = runTimeMilliseconds
        self.description = description
    }

    /// The command as the CLI prints it: argv joined by single spaces.
    public var commandLine: String { Self.spaced(command) }

    /// `words` joined by single spaces. A plain loop: the standard library's
    /// `joined(separator:)` runs unspecialized here and looks up a protocol conformance at
    /// run time, which costs a short-lived `gob list` a scan of every conformance record.
    public static func spaced(_ words: [String]) -> String {
        var line = ""
        var first = true
        for word in words {
            if !first { line += " " }
            line += word
            first = false
        }
        return line
    }

    /// The wire object, keys in §5.4 order followed by D1's fields, then gob's own
    /// additions (`started_at`, `run_time_ms`, `description`; D13 allows more fields).
    public var json: JSON {
        .object(commonMembers + [
            ("stdout_path", .string(stdoutPath)),
            ("stderr_path", .string(stderrPath)),
        ] + exitMembers)
    }

    /// The `list --json` element (§2.5): no log paths.
    public var listJSON: JSON { .object(commonMembers + exitMembers) }

    private var commonMembers: [(String, JSON)] {
        [
            ("id", .string(id)),
            ("pid", .int(Int64(pid))),
            ("status", .string(status.rawValue)),
            ("command", .array(command.map(JSON.string))),
            ("workdir", .string(workdir)),
            ("created_at", .string(createdAt)),
        ]
    }

    private var exitMembers: [(String, JSON)] {
        [
            ("exit_code", JSON.optional(exitCode.map(Int64.init))),
            ("signal", JSON.optional(signal)),
            ("ended_at", JSON.optional(endedAt)),
            ("started_at", JSON.optional(startedAt)),
            ("run_time_ms", JSON.optional(runTimeMilliseconds)),
            ("description", JSON.optional(description)),
        ]
    }

    /// Reads a JobResponse object; nil when a required field is missing or mistyped.
    public init?(json: JSON) {
        guard let id = json["id"]?.stringValue,
              let pid = json["pid"]?.intValue,
              let statusText = json["status"]?.stringValue,
              let status = Status(rawValue: statusText),
              let commandValues = json["command"]?.arrayValue
        else { return nil }
        var command: [String] = []
        for value in commandValues {
            guard let s = value.stringValue else { return nil }
            command.append(s)
        }
        self.init(
            id: id, pid: Int32(truncatingIfNeeded: pid), status: status, command: command,
            workdir: json["workdir"]?.stringValue ?? "",
            createdAt: json["created_at"]?.stringValue ?? "",
            stdoutPath: json["stdout_path"]?.stringValue ?? "",
            stderrPath: json["stderr_path"]?.stringValue ?? "",
            exitCode: json["exit_code"]?.intValue.map { Int32(truncatingIfNeeded: $0) },
            signal: json["signal"]?.stringValue,
            endedAt: json["ended_at"]?.stringValue,
            startedAt: json["started_at"]?.stringValue,
            runTimeMilliseconds: json["run_time_ms"]?.intValue,
            description: json["description"]?.stringValue)
    }
}
