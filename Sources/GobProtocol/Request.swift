/// What a client asks the daemon. One request per connection.
public enum Request: Sendable, Equatable {
    case ping
    case shutdown
    case list(workdir: OSString?)
    /// The jobs of `list`, as `gob list --json` prints them: the reply line carries their
    /// length (`output_bytes`) and the bytes follow it (docs/protocol.md).
    case listJSON(workdir: OSString?)
    case add(JobSpec)
    case run(JobSpec)
    case stop(jobID: String, force: Bool)
    /// `environment` replaces the job's stored environment when given;
    /// `settings` are the client's umask, nice value and limits for the new process;
    /// `ready` replaces the job's stored readiness rule when given.
    case start(jobID: String, environment: [OSString]?, settings: ProcessSettings? = nil, ready: ReadinessRule? = nil)
    case restart(jobID: String, environment: [OSString]?, settings: ProcessSettings? = nil, ready: ReadinessRule? = nil)
    case remove(jobID: String)
    case cleanup(workdir: OSString?)
    case nuke(workdir: OSString?)
    case signal(jobID: String, signal: Int32)
    case getJob(jobID: String)
    /// A job's runs, newest first; `limit` of them at most (nil: every one).
    case runs(jobID: String, limit: Int?)
    /// One run, by its ID (`<job>-<n>`).
    case getRun(runID: String)
    /// How a job's runs went: counts and typical durations.
    case stats(jobID: String)
    /// Deletes one ended run (not the job's current one) and its logs.
    case removeRun(runID: String)
    case subscribe(workdir: OSString?)
    /// Daemon health: PID, version, uptime, job and subscriber counts, memory.
    case status
    /// The sockets the process trees listen on: of one job, or of the jobs of `workdir`
    /// (every job when both are nil). Looked up when asked.
    case ports(jobID: String?, workdir: OSString?)
    /// A job's process tree, looked up when asked.
    case processes(jobID: String)
    /// Re-executes the daemon in place (same PID, its jobs running on), from `executable`
    /// (an upgrading client's own; nil: the daemon's). The reply comes from the new
    /// image, once it serves.
    case daemonRestart(executable: String? = nil)

    /// The wire name of the request type.
    public var typeName: String {
        switch self {
        case .ping: "ping"
        case .shutdown: "shutdown"
        case .list: "list"
        case .listJSON: "list_json"
        case .add: "add"
        case .run: "run"
        case .stop: "stop"
        case .start: "start"
        case .restart: "restart"
        case .remove: "remove"
        case .cleanup: "cleanup"
        case .nuke: "nuke"
        case .signal: "signal"
        case .getJob: "get_job"
        case .runs: "runs"
        case .getRun: "get_run"
        case .stats: "stats"
        case .removeRun: "remove_run"
        case .subscribe: "subscribe"
        case .status: "status"
        case .ports: "ports"
        case .processes: "processes"
        case .daemonRestart: "daemon_restart"
        }
    }

    /// What gob clients send: the envelope plus `"version"`, so a daemon of another
    /// version refuses instead of misunderstanding (see `GobVersion.handshake`).
    public var wireJSON: JSON {
        guard case let .object(members) = json else { return json }
        return .object(members + [("version", .string(GobVersion.handshake))])
    }

    /// The envelope `{"type":…,"payload":{…}}`; `payload` is omitted when empty.
    public var json: JSON {
        var payload: [(String, JSON)] = []
        switch self {
        case .ping, .shutdown, .status:
            break
        case let .daemonRestart(executable):
            if let executable { payload.append(("executable", .string(executable))) }
        case let .list(workdir), let .listJSON(workdir), let .cleanup(workdir), let .nuke(workdir), let .subscribe(workdir):
            if let workdir { payload.append(("workdir", JSON(workdir))) }
        case let .add(spec), let .run(spec):
            payload = spec.members
        case let .stop(jobID, force):
            payload = [("job_id", .string(jobID)), ("force", .bool(force))]
        case let .start(jobID, environment, settings, ready), let .restart(jobID, environment, settings, ready):
            payload = [("job_id", .string(jobID))]
            if let environment { payload.append(("env", .array(environment.map(JSON.init)))) }
            if let settings { payload += settings.members }
            if let ready { payload += ready.members }
        case let .remove(jobID), let .getJob(jobID), let .stats(jobID), let .processes(jobID):
            payload = [("job_id", .string(jobID))]
        case let .runs(jobID, limit):
            payload = [("job_id", .string(jobID))]
            if let limit { payload.append(("limit", .int(Int64(limit)))) }
        case let .getRun(runID), let .removeRun(runID):
            payload = [("run_id", .string(runID))]
        case let .ports(jobID, workdir):
            if let jobID { payload.append(("job_id", .string(jobID))) }
            if let workdir { payload.append(("workdir", JSON(workdir))) }
        case let .signal(jobID, signal):
            payload = [("job_id", .string(jobID)), ("signal", .int(Int64(signal)))]
        }
        var members: [(String, JSON)] = [("type", .string(typeName))]
        if !payload.isEmpty { members.append(("payload", .object(payload))) }
        return .object(members)
    }
}

/// The command, directory and environment of a job to create (`add`, `run`).
public struct JobSpec: Sendable, Equatable {
    /// The job's argv, byte for byte.
    public var command: [OSString]
    /// An absolute path, byte for byte.
    public var workdir: OSString
    /// `KEY=VALUE` entries, byte for byte; the job gets exactly these, never the daemon's
    /// environment. Nil: none sent.
    public var environment: [OSString]?
    /// A one-line note about the job; nil keeps a reused job's old one (`run`).
    public var description: String?
    /// The client's umask, nice value and limits for the job's process; nil: none sent.
    public var settings: ProcessSettings?
    /// When the job counts as ready; nil: none (a reused job keeps its own, `run`).
    public var ready: ReadinessRule?
    /// The gobfile entry the job is started from (`gob up`); nil: none (a reused job
    /// keeps its own, `run`).
    public var gobfileName: String?

    public init(
        command: [OSString], workdir: OSString, environment: [OSString]?, description: String? = nil,
        settings: ProcessSettings? = nil, ready: ReadinessRule? = nil, gobfileName: String? = nil
    ) {
        self.gobfileName = gobfileName
        self.command = command
        self.workdir = workdir
        self.environment = environment
        self.description = description
        self.settings = settings
        self.ready = ready
    }

    var members: [(String, JSON)] {
        var members: [(String, JSON)] = [
            ("command", .array(command.map(JSON.init))),
            ("workdir", JSON(workdir)),
        ]
        if let environment { members.append(("env", .array(environment.map(JSON.init)))) }
        if let description { members.append(("description", .string(description))) }
        if let settings { members += settings.members }
        if let ready { members += ready.members }
        if let gobfileName { members.append(("gobfile_name", .string(gobfileName))) }
        return members
    }
}

/// Why a request was refused before it reached the job table; `description` is the
/// exact error text sent back, `code` its kind: a request that cannot be read is
/// `invalid_request`, a value no job can have (a NUL byte, a relative directory)
/// `invalid_argument`.
public struct RequestError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public let code: ErrorCode
    public init(_ description: String, code: ErrorCode = .invalidRequest) {
        self.description = description
        self.code = code
    }
}

extension Request {
    /// Decodes one request line. Wrongly typed fields are errors, not
    /// silently ignored as upstream did.
    public init(line: some Collection<UInt8>) throws(RequestError) {
        let json: JSON
        do { json = try JSON(parsing: line) } catch { throw RequestError(error.description) }
        try self.init(json: json)
    }

    public init(json: JSON) throws(RequestError) {
        guard case .object = json else { throw RequestError("invalid request: not a JSON object") }
        guard let typeValue = json["type"] else { throw RequestError("missing type") }
        guard let type = typeValue.stringValue else { throw RequestError("invalid type format") }
        let payload = try Payload(json["payload"])
        switch type {
        case "ping": self = .ping
        case "shutdown": self = .shutdown
        case "status": self = .status
        case "list": self = .list(workdir: try payload.scope())
        case "list_json": self = .listJSON(workdir: try payload.scope())
        case "cleanup": self = .cleanup(workdir: try payload.scope())
        case "nuke": self = .nuke(workdir: try payload.scope())
        case "subscribe": self = .subscribe(workdir: try payload.scope())
        case "add": self = .add(try payload.jobSpec())
        case "run": self = .run(try payload.jobSpec())
        case "stop":
            self = .stop(jobID: try payload.jobID(), force: try payload.optionalBool("force") ?? false)
        case "start":
            self = .start(
                jobID: try payload.jobID(), environment: try payload.optionalWords("env"),
                settings: try ProcessSettings(payload: payload.members), ready: try payload.readinessRule())
        case "restart":
            self = .restart(
                jobID: try payload.jobID(), environment: try payload.optionalWords("env"),
                settings: try ProcessSettings(payload: payload.members), ready: try payload.readinessRule())
        case "remove": self = .remove(jobID: try payload.jobID())
        case "get_job": self = .getJob(jobID: try payload.jobID())
        case "stats": self = .stats(jobID: try payload.jobID())
        case "runs": self = .runs(jobID: try payload.jobID(), limit: try payload.limit())
        case "get_run": self = .getRun(runID: try payload.runID())
        case "remove_run": self = .removeRun(runID: try payload.runID())
        case "processes": self = .processes(jobID: try payload.jobID())
        case "daemon_restart": self = .daemonRestart(executable: try payload.optionalString("executable"))
        case "ports": self = .ports(jobID: try payload.optionalString("job_id"), workdir: try payload.scope())
        case "signal":
            let jobID = try payload.jobID()
            guard let value = payload.members["signal"], !value.isNull else { throw RequestError("missing signal") }
            guard let number = value.intValue else { throw RequestError("invalid signal format") }
            // Out-of-range numbers become an invalid signal for the kernel to refuse.
            self = .signal(jobID: jobID, signal: Int32(exactly: number) ?? Int32.max)
        default:
            throw RequestError("unknown request type: \(type)")
        }
    }
}

/// Typed access to a request's payload object. Every string is refused when it holds a
/// NUL byte: the OS would cut an argument, an environment entry or a path there, so the
/// job would run something else than was asked.
private struct Payload {
    let members: JSON

    init(_ value: JSON?) throws(RequestError) {
        switch value {
        case nil, .null?: members = .object([])
        case let .some(value):
            guard case .object = value else { throw RequestError("invalid payload format") }
            members = value
        }
    }

    func optionalString(_ key: String) throws(RequestError) -> String? {
        guard let bytes = try optionalBytes(key) else { return nil }
        return bytes.description
    }

    /// A string's exact bytes; nil when missing, null or empty.
    func optionalBytes(_ key: String) throws(RequestError) -> OSString? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let bytes = value.osStringValue else { throw RequestError("invalid \(key) format") }
        if bytes.containsNUL { throw Self.nul(in: key) }
        return bytes.isEmpty ? nil : bytes
    }

    func optionalBool(_ key: String) throws(RequestError) -> Bool? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let b = value.boolValue else { throw RequestError("invalid \(key) format") }
        return b
    }

    /// An array of byte strings (argv, environment entries).
    func optionalWords(_ key: String) throws(RequestError) -> [OSString]? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let elements = value.arrayValue else { throw RequestError("invalid \(key) format") }
        var words: [OSString] = []
        words.reserveCapacity(elements.count)
        for element in elements {
            guard let word = element.osStringValue else { throw RequestError("invalid \(key) format") }
            if word.containsNUL { throw Self.nul(in: key) }
            words.append(word)
        }
        return words
    }

    func jobID() throws(RequestError) -> String {
        guard let id = try optionalString("job_id") else { throw RequestError("missing job_id") }
        return id
    }

    func runID() throws(RequestError) -> String {
        guard let id = try optionalString("run_id") else { throw RequestError("missing run_id") }
        return id
    }

    /// A positive count of items to return; nil when missing or null.
    func limit() throws(RequestError) -> Int? {
        guard let value = members["limit"], !value.isNull else { return nil }
        guard case .int = value, let number = value.intValue else { throw RequestError("invalid limit format") }
        guard number > 0, let limit = Int(exactly: number) else {
            throw RequestError("invalid limit \(number): must be a positive number", code: .invalidArgument)
        }
        return limit
    }

    /// The `workdir` of a request that works on one directory's jobs: nil for all.
    func scope() throws(RequestError) -> OSString? {
        guard let workdir = try optionalBytes("workdir") else { return nil }
        return try Self.absolute(workdir)
    }

    func jobSpec() throws(RequestError) -> JobSpec {
        guard let value = members["command"], !value.isNull else { throw RequestError("missing command") }
        let command: [OSString]?
        do throws(RequestError) { command = try optionalWords("command") } catch {
            // A NUL byte is named as such; any other fault is the command's format.
            if error.code == .invalidArgument { throw error }
            throw RequestError("invalid command format")
        }
        guard let command, !command.isEmpty else { throw RequestError("empty command") }
        guard let workdir = try optionalBytes("workdir") else { throw RequestError("missing workdir") }
        return JobSpec(
            command: command, workdir: try Self.absolute(workdir), environment: try optionalWords("env"),
            description: try optionalString("description"), settings: try ProcessSettings(payload: members),
            ready: try readinessRule(), gobfileName: try optionalString("gobfile_name"))
    }

    /// The readiness rule of an `add`, `run`, `start` or `restart`; nil when none is given.
    /// A pattern the engine refuses, a port out of range, or a timeout without a pattern
    /// or port, is refused here, so no job is started with a rule that can never hold.
    func readinessRule() throws(RequestError) -> ReadinessRule? {
        let log = try optionalString("ready_log")
        let port = try optionalInteger("ready_port")
        let timeout = try optionalInteger("ready_timeout_ms")
        guard log != nil || port != nil else {
            if timeout != nil { throw RequestError("ready_timeout_ms needs ready_log or ready_port", code: .invalidArgument) }
            return nil
        }
        // Out of range for an Int: still a port no process listens on, refused as such.
        let rule = ReadinessRule(
            log: log, port: port.map { Int(clamping: $0) },
            timeoutMilliseconds: timeout ?? ReadinessRule.defaultTimeoutMilliseconds)
        if let problem = ReadinessRule.problem(log: rule.log, port: rule.port, timeoutMilliseconds: rule.timeoutMilliseconds) {
            throw RequestError(problem, code: .invalidArgument)
        }
        return rule
    }

    /// An integer member; nil when missing or null.
    private func optionalInteger(_ key: String) throws(RequestError) -> Int64? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let number = value.intValue else { throw RequestError("invalid \(key) format") }
        return number
    }

    /// A job runs in, and jobs are grouped by, one absolute directory: a relative one
    /// would mean whatever directory the daemon happens to be in.
    private static func absolute(_ workdir: OSString) throws(RequestError) -> OSString {
        guard workdir.isAbsolutePath else {
            throw RequestError("invalid workdir \"\(workdir)\": not an absolute path", code: .invalidArgument)
        }
        return workdir
    }

    private static func nul(in key: String) -> RequestError {
        RequestError("invalid \(key): contains a NUL byte", code: .invalidArgument)
    }
}
