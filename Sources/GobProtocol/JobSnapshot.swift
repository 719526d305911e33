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
    /// RFC 3339, whole seconds, the daemon's local time zone.
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
    /// The current (or last) run's ID, `<job>-<n>`: run n of the job, counted from 1.
    public var run: String?
    /// How many runs the job has on record, the current one included.
    public var runs: Int64
    /// How its runs went.
    public var stats: RunStats
    /// How long a run usually takes, once 3 or more succeeded; nil before.
    public var estimate: RunEstimate?
    /// How the current (or last) run ended; nil while it runs.
    public var outcome: RunOutcome?
    /// The readiness rule's pattern (`--ready-log`); nil for a job without a rule.
    public var readyLog: String?
    /// The readiness rule's port (`--ready-port`), 0 for any; nil for a job without one.
    public var readyPort: Int?
    /// The readiness rule's timeout in milliseconds; nil for a job without a rule.
    public var readyTimeoutMilliseconds: Int64?
    /// Where the current (or last) run stands with the rule, as `Readiness` spells it
    /// (`waiting`, `ready`, …); nil for a job without a rule. Kept as the wire's text, so
    /// a value this client does not know survives a round trip; `readinessState` reads it.
    public var readiness: String?
    /// When the current (or last) run became ready (RFC 3339); nil until it did.
    public var readyAt: String?
    /// How long after its start the run became ready, in milliseconds; nil until it did.
    public var readyAfterMilliseconds: Int64?
    /// The listening socket that made the current (or last) run ready, for a rule with a
    /// port; nil until then, and for a rule without a port.
    public var readyListener: ListeningPort?
    /// The sockets the job's process tree listens on, as the daemon last looked them up
    /// (shortly after the run started, and when asked); empty when it is not running.
    public var ports: [ListeningPort]
    /// The name of the project's gobfile entry the job was started from (`gob up`, the
    /// TUI's project dialog); nil for a job started by hand. `gob down` stops these.
    public var gobfileName: String?

    public init(
        id: String, pid: Int32, status: Status, command: [OSString], workdir: OSString,
        createdAt: String, stdoutPath: String, stderrPath: String,
        exitCode: Int32? = nil, signal: String? = nil, endedAt: String? = nil,
        startedAt: String? = nil, runTimeMilliseconds: Int64? = nil, description: String? = nil,
        stoppedByGob: Bool = false, run: String? = nil, runs: Int64 = 0, stats: RunStats = RunStats(),
        estimate: RunEstimate? = nil, outcome: RunOutcome? = nil,
        readyLog: String? = nil, readyTimeoutMilliseconds: Int64? = nil,
        readiness: String? = nil, readyAt: String? = nil, readyAfterMilliseconds: Int64? = nil,
        readyPort: Int? = nil, readyListener: ListeningPort? = nil, ports: [ListeningPort] = [],
        gobfileName: String? = nil
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
        self.run = run
        self.runs = runs
        self.stats = stats
        self.estimate = estimate
        self.outcome = outcome
        self.ports = ports
        self.readyLog = readyLog
        self.readyTimeoutMilliseconds = readyTimeoutMilliseconds
        self.readiness = readiness
        self.readyAt = readyAt
        self.readyAfterMilliseconds = readyAfterMilliseconds
        self.readyPort = readyPort
        self.readyListener = readyListener
        self.gobfileName = gobfileName
    }

    /// `readiness` as a state; nil without a rule (or for a state this client does not know).
    public var readinessState: Readiness? { readiness.flatMap(Readiness.init(rawValue:)) }

    /// The job's readiness rule, if it has one.
    public var readinessRule: ReadinessRule? {
        guard readyLog != nil || readyPort != nil else { return nil }
        return ReadinessRule(
            log: readyLog, port: readyPort,
            timeoutMilliseconds: readyTimeoutMilliseconds ?? ReadinessRule.defaultTimeoutMilliseconds)
    }

    /// The command as gob shows it: argv quoted where a shell would need it (bytes that
    /// are not UTF-8 as `$'\xHH'`), so the line can be pasted back into a shell and gives
    /// the same argv.
    public var commandLine: String { ShellWords.quote(byteWords: command.map(\.bytes)) }

    /// The wire object: every field.
    public var json: JSON { object(listedOnly: false) }

    /// The `list --json` element: the listed fields (no log paths).
    public var listJSON: JSON { object(listedOnly: true) }

    private func object(listedOnly: Bool) -> JSON {
        var members: [(String, JSON)] = []
        for field in JobField.inOrder where field.listed || !listedOnly {
            members.append((field.key, self[field].json))
        }
        return .object(members)
    }

    /// Reads a job object; nil when a required field is missing or mistyped. One pass
    /// over the members, a later duplicate replacing an earlier one (as `JSON`'s lookup
    /// does): a `list` reply holds thousands of these.
    public init?(json: JSON) {
        guard case let .object(members) = json else { return nil }
        self.init(id: "", pid: 0, status: .stopped, command: [], workdir: OSString(bytes: []), createdAt: "",
                  stdoutPath: "", stderrPath: "")
        // Bit n: field n was read well (`seen`), or its last member was refused.
        var seen: UInt64 = 0
        var refused: UInt64 = 0
        var expected: JobField? = .id
        for (key, value) in members {
            guard let field = JobField.named(key, expected: expected) else { continue }
            expected = field.successor
            let bit: UInt64 = 1 << UInt64(field.rawValue)
            if let read = field.read(value) {
                self[field] = read
                seen |= bit
                refused &= ~bit
            } else {
                refused |= bit
            }
        }
        for field in JobField.inOrder where field.kind.isRequired {
            let bit: UInt64 = 1 << UInt64(field.rawValue)
            if seen & bit == 0 || refused & bit != 0 { return nil }
        }
    }
}
