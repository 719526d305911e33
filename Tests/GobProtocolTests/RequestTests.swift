import GobProtocol
import Testing

@Suite("Requests")
struct RequestTests {
    static let spec = JobSpec(command: ["sh", "-c", "echo <hi> & done"], workdir: "/home/me/app", environment: ["A=1", "PATH=/bin"])

    static let everyRequest: [Request] = [
        .ping, .shutdown,
        .list(workdir: nil), .list(workdir: "/home/me/app"),
        .listJSON(workdir: nil), .listJSON(workdir: "/home/me/app"),
        .add(spec), .add(JobSpec(command: ["ls"], workdir: "/", environment: nil)),
        .run(spec),
        .stop(jobID: "V3x0QqI", force: false), .stop(jobID: "V3x0QqI", force: true),
        .start(jobID: "V3x0QqI", environment: nil), .start(jobID: "V3x0QqI", environment: ["X=y"]),
        .restart(jobID: "V3x0QqI", environment: nil), .restart(jobID: "V3x0QqI", environment: []),
        .remove(jobID: "V3x0QqI"),
        .cleanup(workdir: nil), .cleanup(workdir: "/srv"),
        .nuke(workdir: nil), .nuke(workdir: "/srv"),
        .signal(jobID: "V3x0QqI", signal: 15), .signal(jobID: "V3x0QqI", signal: -9),
        .getJob(jobID: "V3x0QqI"),
        .subscribe(workdir: nil), .subscribe(workdir: "/srv"),
        .add(JobSpec(command: ["npm", "run", "dev"], workdir: "/w", environment: nil,
                     ready: ReadinessRule(log: "Local: +http://[^ ]+", timeoutMilliseconds: 90_000))),
        .run(JobSpec(command: ["x"], workdir: "/w", environment: nil, ready: ReadinessRule(log: "^up$"))),
        .start(jobID: "V3x0QqI", environment: nil, ready: ReadinessRule(log: "ready", timeoutMilliseconds: 1)),
        .restart(jobID: "V3x0QqI", environment: ["X=y"], ready: ReadinessRule(log: "é+", timeoutMilliseconds: 120_000)),
        .add(JobSpec(command: ["vite"], workdir: "/w", environment: nil, ready: ReadinessRule(port: 5173))),
        .start(jobID: "V3x0QqI", environment: nil, ready: ReadinessRule(port: ReadinessRule.anyPort, timeoutMilliseconds: 5)),
        .restart(jobID: "V3x0QqI", environment: nil, ready: ReadinessRule(log: "up", port: 65535)),
        .ports(jobID: nil, workdir: nil), .ports(jobID: "V3x0QqI", workdir: nil), .ports(jobID: nil, workdir: "/srv"),
        .processes(jobID: "V3x0QqI"),
    ]

    @Test("every request survives encode and decode", arguments: everyRequest)
    func roundTrip(request: Request) throws {
        let line = request.json.compact
        #expect(!line.contains("\n"))
        #expect(try Request(line: Array(line.utf8)) == request)
    }

    @Test func envelopeShape() {
        #expect(Request.ping.json.compact == #"{"type":"ping"}"#)
        #expect(Request.list(workdir: nil).json.compact == #"{"type":"list"}"#)
        #expect(Request.stop(jobID: "a", force: true).json.compact == #"{"type":"stop","payload":{"job_id":"a","force":true}}"#)
        #expect(Request.getJob(jobID: "a").json.compact == #"{"type":"get_job","payload":{"job_id":"a"}}"#)
        #expect(Request.ports(jobID: nil, workdir: nil).json.compact == #"{"type":"ports"}"#)
        #expect(Request.ports(jobID: "a", workdir: nil).json.compact == #"{"type":"ports","payload":{"job_id":"a"}}"#)
        #expect(Request.processes(jobID: "a").json.compact == #"{"type":"processes","payload":{"job_id":"a"}}"#)
        #expect(Request.add(JobSpec(command: ["ls"], workdir: "/w", environment: ["A=1"])).json.compact
            == #"{"type":"add","payload":{"command":["ls"],"workdir":"/w","env":["A=1"]}}"#)
    }

    /// `add` and `run` lines are written straight from the spec, not through a `JSON`
    /// tree: the bytes must be the tree's, for every optional member and for bytes that
    /// are not UTF-8 or need escapes.
    static let wireSpecs: [JobSpec] = [
        spec,
        JobSpec(command: ["ls"], workdir: "/", environment: nil),
        JobSpec(command: [], workdir: "/w", environment: []),
        JobSpec(
            command: [OSString(bytes: [0x66, 0xFF, 0x22, 0x0A]), "é\u{2028}</x>"], workdir: OSString(bytes: [0x2F, 0x80, 0x09]),
            environment: ["A=\"q\"", OSString(bytes: [0x42, 0x3D, 0xC3])], description: "tab\tand \u{1}<&>",
            settings: ProcessSettings(umask: 0o027, nice: -3, limits: [
                .init(name: "nofile", soft: 1024, hard: 524_288), .init(name: "core", soft: 0, hard: UInt64.max),
                .init(name: "stack", soft: UInt64(Int64.max), hard: UInt64(Int64.max) + 1),
            ]),
            ready: ReadinessRule(log: "^up \\d+$", port: 5173, timeoutMilliseconds: 90_000), gobfileName: "web\"dev"),
        JobSpec(command: ["x"], workdir: "/w", environment: nil, settings: ProcessSettings(umask: nil, nice: nil, limits: [])),
        JobSpec(command: ["x"], workdir: "/w", environment: nil, settings: ProcessSettings(umask: 0, nice: 19, limits: [])),
        JobSpec(command: ["x"], workdir: "/w", environment: nil, ready: ReadinessRule(port: ReadinessRule.anyPort)),
    ]

    @Test("the wire line is the JSON tree's bytes", arguments: everyRequest + wireSpecs.flatMap { [Request.add($0), .run($0)] })
    func wireLineMatchesTheTree(request: Request) throws {
        for requestID in [nil, "9fa49dee788c62e2-861cf089e47a096c"] as [String?] {
            var json = request.wireJSON
            if let requestID, case let .object(members) = json { json = .object(members + [("request_id", .string(requestID))]) }
            var expected: [UInt8] = []
            json.write(into: &expected, indent: nil, level: 0)
            expected.append(0x0A)
            let line = request.wireLine(requestID: requestID)
            #expect(line == expected, "\(String(decoding: line, as: UTF8.self))")
        }
    }

    @Test func emptyWorkdirMeansAll() throws {
        #expect(try Request(line: Array(#"{"type":"list","payload":{"workdir":""}}"#.utf8)) == .list(workdir: nil))
        #expect(try Request(line: Array(#"{"type":"nuke","payload":null}"#.utf8)) == .nuke(workdir: nil))
    }

    @Test func signalNumbersAreTruncated() throws {
        #expect(try Request(line: Array(#"{"type":"signal","payload":{"job_id":"a","signal":15.9}}"#.utf8))
            == .signal(jobID: "a", signal: 15))
    }

    @Test("validation errors use upstream's texts", arguments: [
        (#"{"type":"add","payload":{"workdir":"/w"}}"#, "missing command"),
        (#"{"type":"add","payload":{"command":null,"workdir":"/w"}}"#, "missing command"),
        (#"{"type":"add","payload":{"command":"ls","workdir":"/w"}}"#, "invalid command format"),
        (#"{"type":"run","payload":{"command":["sleep",5],"workdir":"/w"}}"#, "invalid command format"),
        (#"{"type":"add","payload":{"command":[],"workdir":"/w"}}"#, "empty command"),
        (#"{"type":"add","payload":{"command":["ls"]}}"#, "missing workdir"),
        (#"{"type":"add","payload":{"command":["ls"],"workdir":""}}"#, "missing workdir"),
        (#"{"type":"add","payload":{"command":["ls"],"workdir":7}}"#, "invalid workdir format"),
        (#"{"type":"add","payload":{"command":["ls"],"workdir":"/w","env":"A=1"}}"#, "invalid env format"),
        (#"{"type":"stop","payload":{}}"#, "missing job_id"),
        (#"{"type":"stop"}"#, "missing job_id"),
        (#"{"type":"stop","payload":{"job_id":""}}"#, "missing job_id"),
        (#"{"type":"stop","payload":{"job_id":5}}"#, "invalid job_id format"),
        (#"{"type":"stop","payload":{"job_id":"a","force":"yes"}}"#, "invalid force format"),
        (#"{"type":"start","payload":{"job_id":"a","env":[1]}}"#, "invalid env format"),
        (#"{"type":"remove","payload":{}}"#, "missing job_id"),
        (#"{"type":"get_job","payload":{}}"#, "missing job_id"),
        (#"{"type":"signal","payload":{"job_id":"a"}}"#, "missing signal"),
        (#"{"type":"signal","payload":{"signal":9}}"#, "missing job_id"),
        (#"{"type":"signal","payload":{"job_id":"a","signal":"TERM"}}"#, "invalid signal format"),
        (#"{"type":"list","payload":{"workdir":[]}}"#, "invalid workdir format"),
        (#"{"type":"list","payload":[]}"#, "invalid payload format"),
        (#"{"type":"x"}"#, "unknown request type: x"),
        (#"{"type":"PING"}"#, "unknown request type: PING"),
        (#"{"type":1}"#, "invalid type format"),
        (#"{"payload":{}}"#, "missing type"),
        (#"[1]"#, "invalid request: not a JSON object"),
        (#"{"type":"ping""#, "unexpected EOF"),
        ("garbage", "invalid character 'g' looking for beginning of value"),
    ])
    func validationError(line: String, message: String) {
        #expect(throws: RequestError(message)) { try Request(line: Array(line.utf8)) }
    }

    @Test("a readiness rule that can never hold is refused before any job starts", arguments: [
        (#"{"type":"add","payload":{"command":["ls"],"workdir":"/w","ready_log":"a(b"}}"#, "invalid ready_log \"a(b\": Unmatched ( or \\("),
        (#"{"type":"start","payload":{"job_id":"a","ready_log":"[z-a]"}}"#, "invalid ready_log \"[z-a]\": Invalid range end"),
        (#"{"type":"restart","payload":{"job_id":"a","ready_timeout_ms":5000}}"#, "ready_timeout_ms needs ready_log or ready_port"),
        (#"{"type":"add","payload":{"command":["ls"],"workdir":"/w","ready_port":65536}}"#, "invalid ready_port 65536: must be a TCP port from 1 to 65535, or 0 for any"),
        (#"{"type":"start","payload":{"job_id":"a","ready_port":-1}}"#, "invalid ready_port -1: must be a TCP port from 1 to 65535, or 0 for any"),
        (#"{"type":"add","payload":{"command":["ls"],"workdir":"/w","ready_log":"x","ready_timeout_ms":0}}"#, "invalid ready_timeout_ms: must be more than 0"),
        (#"{"type":"run","payload":{"command":["ls"],"workdir":"/w","ready_log":"x","ready_timeout_ms":-1}}"#, "invalid ready_timeout_ms: must be more than 0"),
        (#"{"type":"add","payload":{"command":["ls"],"workdir":"/w","ready_log":"x","ready_timeout_ms":2592000001}}"#, "invalid ready_timeout_ms: at most 2592000000 (30 days)"),
        (#"{"type":"add","payload":{"command":["ls"],"workdir":"/w","ready_log":"x\u0000"}}"#, "invalid ready_log: contains a NUL byte"),
    ])
    func badReadinessRules(line: String, message: String) {
        #expect(throws: RequestError(message, code: .invalidArgument)) { try Request(line: Array(line.utf8)) }
        #expect(throws: RequestError("invalid ready_log format")) {
            try Request(line: Array(#"{"type":"add","payload":{"command":["ls"],"workdir":"/w","ready_log":7}}"#.utf8))
        }
        #expect(throws: RequestError("invalid ready_port format")) {
            try Request(line: Array(#"{"type":"add","payload":{"command":["ls"],"workdir":"/w","ready_port":"80"}}"#.utf8))
        }
        #expect(throws: RequestError("invalid ready_timeout_ms format")) {
            try Request(line: Array(#"{"type":"add","payload":{"command":["ls"],"workdir":"/w","ready_log":"x","ready_timeout_ms":"5s"}}"#.utf8))
        }
    }

    @Test func aRuleWithoutTimeoutGetsTheDefault() throws {
        let request = try Request(line: Array(#"{"type":"add","payload":{"command":["ls"],"workdir":"/w","ready_log":"up"}}"#.utf8))
        guard case let .add(spec) = request else { Issue.record("\(request)"); return }
        #expect(spec.ready == ReadinessRule(log: "up", timeoutMilliseconds: 60_000))
    }

    @Test func extendedRegexMatchesAsGrepE() throws {
        let pattern = try ExtendedRegex("^(Local|Network): +https?://[^ ]+:[0-9]{2,5}/?$")
        #expect(pattern.matches(Array("Local:   http://localhost:5173/".utf8)))
        #expect(pattern.matches(Array("Network: https://10.0.0.2:443".utf8)))
        #expect(!pattern.matches(Array("  Local: http://localhost:5173/".utf8)))
        #expect(!pattern.matches(Array("Local: http://localhost/".utf8)))
        #expect(try ExtendedRegex("a|b").matches(Array("xbx".utf8)))
        #expect(try ExtendedRegex("^$").matches([]))
        #expect(throws: ExtendedRegex.PatternError.self) { try ExtendedRegex("") }
        #expect(throws: ExtendedRegex.PatternError.self) { try ExtendedRegex("[a") }
        #expect(try ExtendedRegex("[0-9]{1,5}-[a-f]{4}x{2,}[{]\\{9999}").matches(Array("12-abcdxxx{".utf8)) == false)
        #expect(try ExtendedRegex("^[0-9]{3}-[0-9]{4}$").matches(Array("555-1234".utf8)))
    }

    @Test("patterns that would cost the daemon seconds or gigabytes are refused", arguments: [
        "((a{1000}){1000}){10}", "(a{101}){100}", "a{10001}", "(x{100,}){100}", "a{5}b{5}c{5}d{5}e{5}f{5}", "(a)\\1",
        String(repeating: "a", count: 1025),
    ])
    func costlyPatterns(pattern: String) {
        #expect(throws: ExtendedRegex.PatternError.self) { try ExtendedRegex(pattern) }
    }

    @Test("a NUL byte in any string is refused: the OS would cut the string there", arguments: [
        (#"{"type":"add","payload":{"command":["printf","a\u0000b"],"workdir":"/w"}}"#, "invalid command: contains a NUL byte"),
        (#"{"type":"run","payload":{"command":["\u0000"],"workdir":"/w"}}"#, "invalid command: contains a NUL byte"),
        (#"{"type":"add","payload":{"command":["ls"],"workdir":"/w\u0000/x"}}"#, "invalid workdir: contains a NUL byte"),
        (#"{"type":"add","payload":{"command":["ls"],"workdir":"/w","env":["A=\u0000"]}}"#, "invalid env: contains a NUL byte"),
        (#"{"type":"add","payload":{"command":["ls"],"workdir":"/w","description":"a\u0000"}}"#, "invalid description: contains a NUL byte"),
        (#"{"type":"start","payload":{"job_id":"a","env":["\u0000=1"]}}"#, "invalid env: contains a NUL byte"),
        (#"{"type":"stop","payload":{"job_id":"a\u0000"}}"#, "invalid job_id: contains a NUL byte"),
        (#"{"type":"list","payload":{"workdir":"/\u0000"}}"#, "invalid workdir: contains a NUL byte"),
    ])
    func nulBytesAreRefused(line: String, message: String) {
        #expect(throws: RequestError(message, code: .invalidArgument)) { try Request(line: Array(line.utf8)) }
    }

    @Test("a relative workdir is refused wherever a workdir is taken", arguments: [
        #"{"type":"add","payload":{"command":["ls"],"workdir":"w"}}"#,
        #"{"type":"run","payload":{"command":["ls"],"workdir":"./w"}}"#,
        #"{"type":"list","payload":{"workdir":"w"}}"#,
        #"{"type":"cleanup","payload":{"workdir":"../w"}}"#,
        #"{"type":"nuke","payload":{"workdir":"~/w"}}"#,
        #"{"type":"subscribe","payload":{"workdir":"w"}}"#,
        #"{"type":"ports","payload":{"workdir":"w"}}"#,
    ])
    func relativeWorkdirsAreRefused(line: String) throws {
        let workdir = try #require(JSON(parsing: line)["payload"]?["workdir"]?.stringValue)
        #expect(throws: RequestError("invalid workdir \"\(workdir)\": not an absolute path", code: .invalidArgument)) {
            try Request(line: Array(line.utf8))
        }
    }
}
