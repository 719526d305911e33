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
    /// The last process ended because gob stopped it (`stop`, `restart`, `nuke`, daemon
    /// shutdown): its signal or exit code is gob's doing, not a failure of the job.
    public var stoppedByGob: Bool

    public init(
        id: String, pid: Int32, status: Status, command: [String], workdir: String,
        createdAt: String, stdoutPath: String, stderrPath: String,
        exitCode: Int32? = nil, signal: String? = nil, endedAt: String? = nil,
        startedAt: String? = nil, runTimeMilliseconds: Int64? = nil, description: String? = nil,
        stoppedByGob: Bool = false
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
        self.stoppedByGob = stoppedByGob
    }

    /// The command as gob shows it: argv quoted where a shell would need it, so the line
    /// can be pasted back into a shell and gives the same argv.
    public var commandLine: String { ShellWords.quote(command) }

    /// The wire object, keys in §5.4 order followed by D1's fields, then gob's own
    /// additions (`started_at`, `run_time_ms`, `description`, `stopped_by_gob`).
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
            ("stopped_by_gob", .bool(stoppedByGob)),
        ]
    }

    /// Reads a JobResponse object; nil when a required field is missing or mistyped. One
    /// pass over the members, a later duplicate replacing an earlier one (as `JSON`'s
    /// lookup does): a `list` reply holds thousands of these.
    public init?(json: JSON) {
        guard case let .object(members) = json else { return nil }
        var id, pid, status, command, workdir, createdAt, stdoutPath, stderrPath: JSON?
        var exitCode, signal, endedAt, startedAt, runTime, description, stoppedByGob: JSON?
        for (key, value) in members {
            switch key {
            case "id": id = value
            case "pid": pid = value
            case "status": status = value
            case "command": command = value
            case "workdir": workdir = value
            case "created_at": createdAt = value
            case "stdout_path": stdoutPath = value
            case "stderr_path": stderrPath = value
            case "exit_code": exitCode = value
            case "signal": signal = value
            case "ended_at": endedAt = value
            case "started_at": startedAt = value
            case "run_time_ms": runTime = value
            case "description": description = value
            case "stopped_by_gob": stoppedByGob = value
            default: break
            }
        }
        guard let id = id?.stringValue,
              let pid = pid?.intValue,
              let statusText = status?.stringValue,
              let status = Status(rawValue: statusText),
              let commandValues = command?.arrayValue
        else { return nil }
        var words: [String] = []
        words.reserveCapacity(commandValues.count)
        for value in commandValues {
            guard let word = value.stringValue else { return nil }
            words.append(word)
        }
        self.init(
            id: id, pid: Int32(truncatingIfNeeded: pid), status: status, command: words,
            workdir: workdir?.stringValue ?? "",
            createdAt: createdAt?.stringValue ?? "",
            stdoutPath: stdoutPath?.stringValue ?? "",
            stderrPath: stderrPath?.stringValue ?? "",
            exitCode: exitCode?.intValue.map { Int32(truncatingIfNeeded: $0) },
            signal: signal?.stringValue,
            endedAt: endedAt?.stringValue,
            startedAt: startedAt?.stringValue,
            runTimeMilliseconds: runTime?.intValue,
            description: description?.stringValue,
            stoppedByGob: stoppedByGob?.boolValue ?? false)
    }
}
