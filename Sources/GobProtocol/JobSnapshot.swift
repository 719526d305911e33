/// A job as the daemon reports it: what it runs, where, and how its last process ended.
/// Its members on the wire are `fields`.
public struct JobSnapshot: Sendable, Equatable {
    public enum Status: String, Sendable {
        case running
        case stopped
    }

    public var id: String
    public var pid: Int32
    public var status: Status
    /// The job's argv, byte for byte.
    public var command: [OSString]
    /// The directory the job runs in, byte for byte.
    public var workdir: OSString
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
        id: String, pid: Int32, status: Status, command: [OSString], workdir: OSString,
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

    /// The command as the CLI prints it: argv joined by single spaces, bytes that are not
    /// UTF-8 shown as U+FFFD.
    public var commandLine: String { OSString.spaced(command) }

    /// Every member of the job object, in wire order: the contract's JobResponse, then
    /// the exit status fields, then gob's own additions. Everything that reads or writes
    /// a job object follows this list (see `JobField`).
    public static let fields: [JobField] = [
        .text("id", \.id, required: true),
        .int32("pid", \.pid),
        .status("status", \.status),
        .words("command", \.command),
        .bytes("workdir", \.workdir),
        .text("created_at", \.createdAt),
        .text("stdout_path", \.stdoutPath, listed: false),
        .text("stderr_path", \.stderrPath, listed: false),
        .optionalInt32("exit_code", \.exitCode),
        .optionalText("signal", \.signal),
        .optionalText("ended_at", \.endedAt),
        .optionalText("started_at", \.startedAt),
        .optionalInt64("run_time_ms", \.runTimeMilliseconds),
        .optionalText("description", \.description),
        .flag("stopped_by_gob", \.stoppedByGob),
    ]

    /// The wire object: every field.
    public var json: JSON { Self.object(of: self, listedOnly: false) }

    /// The `list --json` element: the listed fields (no log paths).
    public var listJSON: JSON { Self.object(of: self, listedOnly: true) }

    private static func object(of job: JobSnapshot, listedOnly: Bool) -> JSON {
        var members: [(String, JSON)] = []
        members.reserveCapacity(fields.count)
        for field in fields where field.listed || !listedOnly {
            members.append((field.key, field.get(job).json))
        }
        return .object(members)
    }

    /// Reads a job object; nil when a required field is missing or mistyped. One pass
    /// over the members, a later duplicate replacing an earlier one (as `JSON`'s lookup
    /// does): a `list` reply holds thousands of these.
    public init?(json: JSON) {
        guard case let .object(members) = json else { return nil }
        let fields = Self.fields
        var values = [JSON?](repeating: nil, count: fields.count)
        for (key, value) in members {
            if let slot = fields.firstIndex(where: { $0.key == key }) { values[slot] = value }
        }
        var job = JobSnapshot(
            id: "", pid: 0, status: .stopped, command: [], workdir: OSString(bytes: []), createdAt: "",
            stdoutPath: "", stderrPath: "")
        for (slot, field) in fields.enumerated() {
            guard let value = field.read(values[slot]) else { return nil }
            field.set(&job, value)
        }
        self = job
    }
}
