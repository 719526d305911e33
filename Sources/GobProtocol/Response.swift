/// The daemon's answer to one request: `{"success","error","data"}`.
public struct Response: Sendable, Equatable {
    public var success: Bool
    public var error: String?
    /// What kind of failure `error` describes; nil on success (and from old daemons).
    public var code: ErrorCode?
    /// Members of `data`; written in lexicographic key order like Go's map encoding.
    public var data: [(String, JSON)]

    public static func == (lhs: Response, rhs: Response) -> Bool {
        lhs.success == rhs.success && lhs.error == rhs.error && lhs.code == rhs.code
            && JSON.object(lhs.data) == JSON.object(rhs.data)
    }

    public static func ok(_ data: [(String, JSON)]) -> Response {
        Response(success: true, error: nil, data: data)
    }

    public static func failure(_ message: String, code: ErrorCode) -> Response {
        Response(success: false, error: message, code: code, data: [])
    }

    public init(success: Bool, error: String?, code: ErrorCode? = nil, data: [(String, JSON)]) {
        self.success = success
        self.error = error
        self.code = code
        self.data = data
    }

    public var json: JSON {
        var members: [(String, JSON)] = [("success", .bool(success))]
        if let error, !error.isEmpty { members.append(("error", .string(error))) }
        if let code { members.append(("code", .string(code.rawValue))) }
        if !data.isEmpty {
            members.append(("data", .object(data.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) })))
        }
        return .object(members)
    }

    /// The value of a `data` member.
    public subscript(key: String) -> JSON? {
        data.last(where: { $0.0 == key })?.1
    }

    public init?(json: JSON) {
        guard let success = json["success"]?.boolValue else { return nil }
        var data: [(String, JSON)] = []
        if case let .object(members)? = json["data"] { data = members }
        self.init(
            success: success, error: json["error"]?.stringValue,
            code: json["code"]?.stringValue.flatMap(ErrorCode.init(rawValue:)), data: data)
    }

    /// `data.job` as a job, for add/run/start/restart/get_job replies.
    public var job: JobSnapshot? { self["job"].flatMap(JobSnapshot.init(json:)) }

    /// `data.jobs` for list replies; `null` and `[]` both read as no jobs.
    public var jobs: [JobSnapshot]? {
        guard let value = self["jobs"] else { return nil }
        if value.isNull { return [] }
        guard let elements = value.arrayValue else { return nil }
        var jobs: [JobSnapshot] = []
        jobs.reserveCapacity(elements.count)
        for element in elements {
            guard let job = JobSnapshot(json: element) else { return nil }
            jobs.append(job)
        }
        return jobs
    }
}
