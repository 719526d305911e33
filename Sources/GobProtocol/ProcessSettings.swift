import Glibc

/// The umask, nice value and resource limits of the client that starts a job, which the
/// job gets instead of the daemon's: the daemon was started by whichever client came
/// first, and it raises its own descriptor limit, which no job should inherit.
///
/// On the wire, optional members of the `add`, `run`, `start` and `restart` payloads:
/// `"umask": 18`, `"nice": 0`, and `"rlimits": {"nofile": [1024, 524288], …}` with each
/// limit a `[soft, hard]` pair of numbers or `"unlimited"`. A request without them gets
/// umask 022, the daemon's nice value and the limits the daemon started with.
public struct ProcessSettings: Sendable, Equatable {
    /// One resource limit; `UInt64.max` is unlimited.
    public struct Limit: Sendable, Equatable {
        /// The lower-case name of the `RLIMIT_` constant: `nofile`, `core`, …
        public var name: String
        public var soft: UInt64
        public var hard: UInt64

        public init(name: String, soft: UInt64, hard: UInt64) {
            self.name = name
            self.soft = soft
            self.hard = hard
        }
    }

    public var umask: UInt32?
    public var nice: Int32?
    public var limits: [Limit]

    public init(umask: UInt32? = nil, nice: Int32? = nil, limits: [Limit] = []) {
        self.umask = umask
        self.nice = nice
        self.limits = limits
    }

    /// The resource limits gob carries, by wire name and Linux resource number.
    public static let resources: [(name: String, resource: Int32)] = [
        ("cpu", 0), ("fsize", 1), ("data", 2), ("stack", 3), ("core", 4), ("rss", 5),
        ("nproc", 6), ("nofile", 7), ("memlock", 8), ("as", 9), ("locks", 10),
        ("sigpending", 11), ("msgqueue", 12), ("nice", 13), ("rtprio", 14), ("rttime", 15),
    ]

    /// The Linux resource number of a limit's wire name.
    public static func resource(named name: String) -> Int32? {
        resources.first { $0.name == name }?.resource
    }

    /// This process's own settings: what a client sends along with a job to start.
    public static func current() -> ProcessSettings {
        // Reading the umask means setting it; it is put back at once.
        let mask = Glibc.umask(0o022)
        _ = Glibc.umask(mask)
        errno = 0
        let priority = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let nice: Int32? = errno == 0 ? priority : nil
        var limits: [Limit] = []
        limits.reserveCapacity(resources.count)
        for (name, resource) in resources {
            var limit = rlimit()
            guard getrlimit(__rlimit_resource_t(UInt32(resource)), &limit) == 0 else { continue }
            limits.append(Limit(name: name, soft: UInt64(limit.rlim_cur), hard: UInt64(limit.rlim_max)))
        }
        return ProcessSettings(umask: UInt32(mask), nice: nice, limits: limits)
    }

    /// The payload members these settings add to a request.
    public var members: [(String, JSON)] {
        var members: [(String, JSON)] = []
        if let umask { members.append(("umask", .int(Int64(umask)))) }
        if let nice { members.append(("nice", .int(Int64(nice)))) }
        if !limits.isEmpty {
            members.append(("rlimits", .object(limits.map { ($0.name, .array([Self.json($0.soft), Self.json($0.hard)])) })))
        }
        return members
    }

    /// Reads the settings from a request payload; nil when it carries none.
    public init?(payload: JSON) throws(RequestError) {
        let umaskValue = payload["umask"].flatMap { $0.isNull ? nil : $0 }
        let niceValue = payload["nice"].flatMap { $0.isNull ? nil : $0 }
        let limitsValue = payload["rlimits"].flatMap { $0.isNull ? nil : $0 }
        if umaskValue == nil && niceValue == nil && limitsValue == nil { return nil }
        if let umaskValue {
            guard let value = umaskValue.intValue, (0...0o777).contains(value) else { throw RequestError("invalid umask format") }
            umask = UInt32(value)
        }
        if let niceValue {
            guard let value = niceValue.intValue, (-20...19).contains(value) else { throw RequestError("invalid nice format") }
            nice = Int32(value)
        }
        limits = []
        if let limitsValue {
            guard case let .object(entries) = limitsValue else { throw RequestError("invalid rlimits format") }
            for (name, pair) in entries {
                guard Self.resource(named: name) != nil else { throw RequestError("unknown resource limit: \(name)") }
                guard let values = pair.arrayValue, values.count == 2,
                      let soft = Self.limitValue(values[0]), let hard = Self.limitValue(values[1]), soft <= hard
                else { throw RequestError("invalid rlimits format") }
                limits.append(Limit(name: name, soft: soft, hard: hard))
            }
        }
    }

    private static func json(_ value: UInt64) -> JSON {
        value > UInt64(Int64.max) ? .string("unlimited") : .int(Int64(value))
    }

    private static func limitValue(_ value: JSON) -> UInt64? {
        if value.stringValue == "unlimited" { return UInt64.max }
        guard let number = value.intValue, number >= 0 else { return nil }
        return UInt64(number)
    }
}
