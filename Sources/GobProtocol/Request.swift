/// What a client asks the daemon (contract §5.2, §5.5). One request per connection.
public enum Request: Sendable, Equatable {
    case ping
    case shutdown
    case list(workdir: String?)
    case add(JobSpec)
    case run(JobSpec)
    case stop(jobID: String, force: Bool)
    /// `environment` replaces the job's stored environment when given (Decision D3);
    /// `settings` are the client's umask, nice value and limits for the new process.
    case start(jobID: String, environment: [String]?, settings: ProcessSettings? = nil)
    case restart(jobID: String, environment: [String]?, settings: ProcessSettings? = nil)
    case remove(jobID: String)
    case cleanup(workdir: String?)
    case nuke(workdir: String?)
    case signal(jobID: String, signal: Int32)
    case getJob(jobID: String)
    case subscribe(workdir: String?)
    /// Daemon health: PID, version, uptime, job and subscriber counts, memory.
    case status

    /// The wire name of the request type.
    public var typeName: String {
        switch self {
        case .ping: "ping"
        case .shutdown: "shutdown"
        case .list: "list"
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
        case .subscribe: "subscribe"
        case .status: "status"
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
        case let .list(workdir), let .cleanup(workdir), let .nuke(workdir), let .subscribe(workdir):
            if let workdir { payload.append(("workdir", .string(workdir))) }
        case let .add(spec), let .run(spec):
            payload = spec.members
        case let .stop(jobID, force):
            payload = [("job_id", .string(jobID)), ("force", .bool(force))]
        case let .start(jobID, environment, settings), let .restart(jobID, environment, settings):
            payload = [("job_id", .string(jobID))]
            if let environment { payload.append(("env", .array(environment.map(JSON.string)))) }
            if let settings { payload += settings.members }
        case let .remove(jobID), let .getJob(jobID):
            payload = [("job_id", .string(jobID))]
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
    public var command: [String]
    public var workdir: String
    /// `KEY=VALUE` entries; the job gets exactly these (Decision D3). Nil: none sent.
    public var environment: [String]?
    /// A one-line note about the job; nil keeps a reused job's old one (`run`).
    public var description: String?
    /// The client's umask, nice value and limits for the job's process; nil: none sent.
    public var settings: ProcessSettings?

    public init(
        command: [String], workdir: String, environment: [String]?, description: String? = nil,
        settings: ProcessSettings? = nil
    ) {
        self.command = command
        self.workdir = workdir
        self.environment = environment
        self.description = description
        self.settings = settings
    }

    var members: [(String, JSON)] {
        var members: [(String, JSON)] = [
            ("command", .array(command.map(JSON.string))),
            ("workdir", .string(workdir)),
        ]
        if let environment { members.append(("env", .array(environment.map(JSON.string)))) }
        if let description { members.append(("description", .string(description))) }
        if let settings { members += settings.members }
        return members
    }
}

/// Why a request was refused before it reached the job table; `description` is the
/// exact error text sent back (contract §5.3, §5.5, Decision D13).
public struct RequestError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Request {
    /// Decodes one request line. Wrongly typed fields are errors (Decision D13), not
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
        case "list": self = .list(workdir: try payload.optionalString("workdir"))
        case "cleanup": self = .cleanup(workdir: try payload.optionalString("workdir"))
        case "nuke": self = .nuke(workdir: try payload.optionalString("workdir"))
        case "subscribe": self = .subscribe(workdir: try payload.optionalString("workdir"))
        case "add": self = .add(try payload.jobSpec())
        case "run": self = .run(try payload.jobSpec())
        case "stop":
            self = .stop(jobID: try payload.jobID(), force: try payload.optionalBool("force") ?? false)
        case "start":
            self = .start(
                jobID: try payload.jobID(), environment: try payload.optionalStrings("env"),
                settings: try ProcessSettings(payload: payload.members))
        case "restart":
            self = .restart(
                jobID: try payload.jobID(), environment: try payload.optionalStrings("env"),
                settings: try ProcessSettings(payload: payload.members))
        case "remove": self = .remove(jobID: try payload.jobID())
        case "get_job": self = .getJob(jobID: try payload.jobID())
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

/// Typed access to a request's payload object.
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
        guard let value = members[key], !value.isNull else { return nil }
        guard let s = value.stringValue else { throw RequestError("invalid \(key) format") }
        return s.isEmpty ? nil : s
    }

    func optionalBool(_ key: String) throws(RequestError) -> Bool? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let b = value.boolValue else { throw RequestError("invalid \(key) format") }
        return b
    }

    func optionalStrings(_ key: String) throws(RequestError) -> [String]? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let elements = value.arrayValue else { throw RequestError("invalid \(key) format") }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard let s = element.stringValue else { throw RequestError("invalid \(key) format") }
            strings.append(s)
        }
        return strings
    }

    func jobID() throws(RequestError) -> String {
        guard let id = try optionalString("job_id") else { throw RequestError("missing job_id") }
        return id
    }

    func jobSpec() throws(RequestError) -> JobSpec {
        guard let value = members["command"], !value.isNull else { throw RequestError("missing command") }
        guard let command = try? optionalStrings("command") else { throw RequestError("invalid command format") }
        guard !command.isEmpty else { throw RequestError("empty command") }
        guard let workdir = try optionalString("workdir") else { throw RequestError("missing workdir") }
        return JobSpec(
            command: command, workdir: workdir, environment: try optionalStrings("env"),
            description: try optionalString("description"), settings: try ProcessSettings(payload: members))
    }
}
