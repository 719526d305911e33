import GobProtocol
import GobTestSupport
import Testing

/// `JobListTranscoder` against the value route it replaces for `list --json` and `list`:
/// parse the reply into a JSON value, read the `Response` and its `jobs`, print their
/// `listJSON` pretty. For every line — the daemon's own, re-laid-out, odd, mistyped,
/// truncated or mangled — `transcode` and `jobs` must give the same error, or the same
/// response, output and snapshots.
@Suite("list --json transcoder agrees with the JSON value route")
struct JobListTranscoderTests {
    /// What a route makes of a reply line.
    enum Outcome: Equatable {
        case error(String)
        case notResponse
        case response(success: Bool, error: String?, data: String, output: String?)
    }

    static func reference(_ line: [UInt8]) -> Outcome {
        let json: JSON
        do { json = try JSON(parsing: line) } catch { return .error(error.description) }
        guard let response = Response(json: json) else { return .notResponse }
        let data = JSON.object(response.data.filter { $0.0 != "jobs" }).compact
        let output = response.jobs.map { JSON.array($0.map(\.listJSON)).pretty }
        return .response(success: response.success, error: response.error, data: data, output: output)
    }

    /// What `transcode` makes of a reply line, its output written in place with
    /// `headroom` bytes in front of the line (nil: as `gob list --json` leaves).
    static func transcoded(_ line: [UInt8], headroom: Int? = nil) -> Outcome {
        do {
            var output: [UInt8]?
            let result = try line.withUnsafeBufferPointer { bytes throws(JSONError) in
                try JobListTranscoder.transcode(bytes, into: &output, headroom: headroom)
            }
            guard let response = result else { return .notResponse }
            return .response(
                success: response.success, error: response.error, data: JSON.object(response.data).compact,
                output: output.map { String(decoding: $0, as: UTF8.self) })
        } catch {
            return .error(error.description)
        }
    }

    static func expectAgreement(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectAgreement(Array(text.utf8), sourceLocation: sourceLocation)
    }

    /// What `JobListTranscoder.jobs` makes of a reply line, in the same terms: its jobs
    /// printed as the value route prints them.
    static func read(_ line: [UInt8]) -> Outcome {
        do {
            var jobs: [JobSnapshot]?
            let result = try line.withUnsafeBufferPointer { bytes throws(JSONError) in try JobListTranscoder.jobs(bytes, into: &jobs) }
            guard let response = result else { return .notResponse }
            return .response(
                success: response.success, error: response.error, data: JSON.object(response.data).compact,
                output: jobs.map { JSON.array($0.map(\.listJSON)).pretty })
        } catch {
            return .error(error.description)
        }
    }

    /// The snapshots `JobListTranscoder.jobs` reads, against `Response.jobs`, in full
    /// (log paths included).
    static func snapshotsAgree(_ line: [UInt8]) -> Bool {
        let reference = (try? JSON(parsing: line)).flatMap(Response.init(json:))?.jobs
        var jobs: [JobSnapshot]?
        let response = try? line.withUnsafeBufferPointer { bytes throws(JSONError) in try JobListTranscoder.jobs(bytes, into: &jobs) }
        return (response == nil ? nil : jobs) == reference
    }

    static func expectAgreement(_ line: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = reference(line)
        #expect(transcoded(line) == expected, "\(String(decoding: line, as: UTF8.self))", sourceLocation: sourceLocation)
        // The output catches up with the reading at once, or after a job or two, and
        // moves on to memory of its own.
        for headroom in [0, 700] {
            #expect(transcoded(line, headroom: headroom) == expected, "headroom \(headroom)", sourceLocation: sourceLocation)
        }
        #expect(read(line) == expected, "jobs: \(String(decoding: line, as: UTF8.self))", sourceLocation: sourceLocation)
        #expect(snapshotsAgree(line), "snapshots: \(String(decoding: line, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    /// A reply as the daemon writes it: compact, each job in `writeJSON`'s layout.
    static func daemonReply(_ jobs: [JobSnapshot]) -> [UInt8] {
        var line = Array(#"{"success":true,"data":{"jobs":["#.utf8)
        for (n, job) in jobs.enumerated() {
            if n > 0 { line.append(UInt8(ascii: ",")) }
            job.writeJSON(into: &line, logPaths: true, indent: nil, level: 0)
        }
        line.append(contentsOf: "]}}".utf8)
        return line
    }

    /// Jobs with every optional field set and unset, odd text and extreme numbers.
    static let jobs: [JobSnapshot] = [
        JobSnapshot(id: "V3x0QqI", pid: 28978, status: .running, command: ["sleep", "300"], workdir: "/home/me/app",
                    createdAt: "2026-11-26T14:03:51Z", stdoutPath: "/run/a.stdout.log", stderrPath: "/run/a.stderr.log",
                    startedAt: "2026-11-26T14:03:51Z",
                    ports: [ListeningPort(port: 5173, transport: .tcp, address: "127.0.0.1", pid: 28978),
                            ListeningPort(port: 5173, transport: .tcp, address: "::1", pid: 28979),
                            ListeningPort(port: 5353, transport: .udp, address: "0.0.0.0", pid: 28978)]),
        JobSnapshot(id: "V3x0Ppz", pid: -1, status: .stopped, command: [], workdir: "",
                    createdAt: "", stdoutPath: "", stderrPath: "", exitCode: -3, signal: nil,
                    endedAt: "2026-11-26T19:49:44+05:30", startedAt: nil, runTimeMilliseconds: Int64.max,
                    description: "web UI on :5173 <&> \"q\" \\ ünï ✓ 🙂 \u{2028}\u{2029} \u{01}\u{7F}\t\n/"),
        JobSnapshot(id: "", pid: Int32.min, status: .stopped, command: ["", "a b", "<x>", "\u{7F}é", "\\"], workdir: "/w",
                    createdAt: "c", stdoutPath: "o", stderrPath: "e", exitCode: Int32.max, signal: "SIGKILL",
                    endedAt: "e", startedAt: "s", runTimeMilliseconds: Int64.min, description: ""),
        // Arguments and a directory that are not UTF-8, beside text that is.
        JobSnapshot(id: "k3f", pid: 3, status: .running,
                    command: [OSString(bytes: [0x63, 0x61, 0x66, 0xE9]), OSString(bytes: [0xFF, 0x3C, 0xC3, 0xA9, 0xE2, 0x80])],
                    workdir: OSString(bytes: [0x2F, 0xC3, 0xA9, 0xE9]), createdAt: "c", stdoutPath: "o", stderrPath: "e",
                    stoppedByGob: true),
        // A job as most are: every value in the plain shape the one-pass writer takes.
        JobSnapshot(id: "nwr", pid: 953, status: .running, command: ["sleep", "3600"], workdir: "/home/me/app",
                    createdAt: "2026-12-02T02:16:17Z", stdoutPath: "/run/nwr.stdout.log", stderrPath: "/run/nwr.stderr.log",
                    startedAt: "2026-12-02T02:16:17Z", run: "nwr-1", runs: 1, stats: RunStats(runs: 1),
                    estimate: RunEstimate(typicalMilliseconds: 1500, upperMilliseconds: 2100), outcome: .failure),
    ]

    @Test func theDaemonsOwnReplies() {
        for count in 0...Self.jobs.count {
            Self.expectAgreement(Self.daemonReply(Array(Self.jobs.prefix(count))))
        }
        // Many jobs, as the benchmark's list holds.
        Self.expectAgreement(Self.daemonReply(
            Array(repeating: Self.jobs[0], count: 250) + Array(repeating: Self.jobs[4], count: 250) + Self.jobs))
    }

    @Test func theSameRepliesLaidOutOtherwise() throws {
        for count in 0...Self.jobs.count {
            let value = try JSON(parsing: Self.daemonReply(Array(Self.jobs.prefix(count))))
            Self.expectAgreement(value.pretty)
            Self.expectAgreement(" \n\t" + value.compact + " \r\n")
        }
    }

    @Test("odd and mistyped replies", arguments: [
        // Required fields missing or mistyped, status spellings, numbers as JSON allows them.
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"pid":1,"status":"running","command":["x"]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":5,"pid":1,"status":"running","command":["x"]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":"1","status":"running","command":["x"]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1.9,"status":"stopped","command":[]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":-2.5e3,"status":"stopped","command":[]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1e30,"status":"stopped","command":[]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":4294967297,"status":"stopped","command":[]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"Running","command":["x"]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"runn\u0069ng","command":["x"]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":null,"command":["x"]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":"x"}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x",1]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":[["x"]]}]}}"#,
        // Optional fields mistyped, escaped, duplicated, reordered; unknown members.
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"workdir":5,"created_at":null,"exit_code":"3","signal":9,"ended_at":[],"started_at":{},"run_time_ms":2.9,"description":true}]}}"#,
        #"{"success":true,"data":{"jobs":[{"command":["x"],"status":"stopped","pid":7,"id":"b","exit_code":2.7,"run_time_ms":-1e3,"x":{"y":[1,{"z":null}]}}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","id":"b","pid":1,"pid":2,"status":"running","status":"stopped","command":["x"],"command":["y","z"]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"\u0069d":"a","p\u0069d":1,"status":"running","command":["\u0078"],"descr\u0069ption":"d\u003c"}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a\/b","pid":1,"status":"running","command":["\"","\\","\b\f\n\r\t","\ud83d\ude42","\ud800"]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"<raw & raw>","pid":1,"status":"running","command":["é","\u2028"],"workdir":"/ü"}]}}"#,
        // The objects of integers (stats, estimate): the daemon's layout, others, mistyped,
        // incomplete, duplicated keys, doubles, extra members, not objects at all.
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"runs":3,"stats":{"runs":3,"successes":2,"failures":1},"estimate":{"typical_ms":900,"upper_ms":1200}}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"runs":"3","stats":{ "failures" : 1 , "runs":3},"estimate":{"upper_ms":1200,"typical_ms":900}}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"stats":{"runs":3,"runs":"x","successes":2.9,"failures":-1e2,"more":[1]},"estimate":{"typical_ms":900}}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"stats":[1,2,3],"estimate":{"typical_ms":"9","upper_ms":1}}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"stats":null,"estimate":null,"run":"a-1","outcome":"failure"}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"stats":{},"estimate":{"typical_ms":1,"upper_ms":2,"typical_ms":null}}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"stats":{"r\u0075ns":4},"estimate":{"typical_ms":01,"upper_ms":2}}]}}"#,
        // Ports: mistyped, partly mistyped elements, escaped keys, out of range, repeated.
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"ports":5}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"ports":[5,{"port":"1","proto":"tcp"},{"port":80,"proto":"sctp"},{"port":80,"proto":"tcp"},{"p\u006frt":81.5,"proto":"udp","address":7,"pid":"9"}]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"ports":[{"port":70000,"proto":"udp"},{"port":-1,"proto":"tcp"}],"ports":[{"port":22,"proto":"tcp","address":"\udce9","pid":4294967297}]}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"ports":null}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"ports":[{"port":1,"proto":"tcp","x":[[[[{}]]]]}]}]}}"#,
        // Bytes that are not UTF-8 where bytes are kept (argv, workdir) and where text is.
        #"{"success":true,"data":{"jobs":[{"id":"a\udce9","pid":1,"status":"running","command":["x\udce9","\udcff<","\udcc3\udca9"],"workdir":"/\udce9","description":"\udce9","signal":"\ud800"}]}}"#,
        // The envelope: jobs null, empty, mistyped; data missing, mistyped, repeated; jobs repeated.
        #"{"success":true,"data":{"jobs":null}}"#,
        #"{"success":true,"data":{"jobs":[]}}"#,
        #"{"success":true,"data":{"jobs":{}}}"#,
        #"{"success":true,"data":{"jobs":"x"}}"#,
        #"{"success":true,"data":{"jobs":[5]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"]},5]}}"#,
        #"{"success":true,"data":{"count":3}}"#,
        #"{"success":true}"#,
        #"{"success":true,"data":[1]}"#,
        #"{"success":true,"data":{"jobs":[5]},"data":{"jobs":[],"n":1}}"#,
        #"{"success":true,"data":{"jobs":[]},"data":7}"#,
        #"{"success":true,"data":{"jobs":[],"jobs":[5]}}"#,
        #"{"success":true,"data":{"jobs":[5],"jobs":null,"m":"x"}}"#,
        #"{"data":{"jobs":[]},"success":false,"error":"version mismatch: x","success":true}"#,
        #"{"success":false,"error":"list failed: boom"}"#,
        #"{"success":false,"error":5}"#,
        #"{"success":"true","data":{"jobs":[]}}"#,
        #"{"data":{"jobs":[]}}"#,
        "[]", "5", "null", #""x""#, "{}",
        // Not JSON, or not only JSON.
        "", " ", "{", #"{"success":true,"data":{"jobs":[{"id":"a""#, #"{"success":true} x"#, #"{"success":tru}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":01}]}}"#, #"{"success":true,"data":{"jobs":[{"id":"a\x"}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],}]}}"#,
        #"{"success":true,"data":{"jobs":[{"id" "a"}]}}"#, #"{"success":true,"data":{"jobs":[{5:1}]}}"#,
    ])
    func oddReplies(text: String) {
        Self.expectAgreement(text)
    }

    /// Values of every shape, for `everyValueInTheDaemonsLayout`: those the one-pass
    /// writer of the daemon's layout takes, and those it must leave to the general route
    /// (numbers to truncate or rewrite, escapes, mistyped values, non-empty ports).
    static let oddValues = [
        "null", "true", "false", "0", "7", "-0", "-3", "01", "1.0", "1e2", "2E1", "999999999", "1000000000",
        "2147483648", "-2147483649", "123456789012345678", "1234567890123456789", "99999999999999999999",
        #""""#, #""x""#, #""running""#, #""stopped""#, #""Running""#, #""\u0072unning""#, #""a\"b""#, #""<&>""#,
        #""\udce9""#, "[]", #"["a"]"#, #"["a",""]"#, #"["a",1]"#, "[[]]", "{}",
        #"{"runs":1,"successes":2,"failures":3}"#, #"{"runs":1,"successes":2}"#, #"{"runs":1.5,"successes":2,"failures":3}"#,
        #"{"typical_ms":1,"upper_ms":2}"#, #"{"typical_ms":-1,"upper_ms":2}"#, #"{"upper_ms":2,"typical_ms":1}"#,
        #"{"port":80,"proto":"tcp","address":"::","pid":1}"#, #"[{"port":80,"proto":"tcp","address":"::","pid":1}]"#,
    ]

    /// Each member of a job in the daemon's own layout set, in turn, to each odd value:
    /// the layout stays the daemon's, so the one-pass writer reads it, and must agree
    /// with the value route or leave the job to the general one.
    @Test func everyValueInTheDaemonsLayout() throws {
        let reply = try JSON(parsing: Self.daemonReply([Self.jobs[4], Self.jobs[2]]))
        let jobs = try #require(reply["data"]?["jobs"]?.arrayValue)
        let members = jobs[0].objectMembers
        #expect(members.map(\.0) == JobField.allCases.map(\.key))
        for slot in members.indices {
            for odd in Self.oddValues {
                // Written as text, so that values JSON refuses (`01`) are there as they are.
                var job = "{"
                for (n, (key, value)) in members.enumerated() {
                    job += (n > 0 ? "," : "") + "\"\(key)\":" + (n == slot ? odd : value.compact)
                }
                Self.expectAgreement(#"{"success":true,"data":{"jobs":["# + job + "}," + jobs[1].compact + "]}}")
            }
        }
    }

    @Test func controlCharactersAndInvalidUTF8() {
        Self.expectAgreement(Array(#"{"success":true,"data":{"jobs":[{"id":"a"#.utf8) + [0x01] + Array(#"","pid":1}]}}"#.utf8))
        let job = Array(#"{"success":true,"data":{"jobs":[{"id":""#.utf8) + [0xFF, 0xC3] + Array(#"","pid":1,"status":"running","command":[""#.utf8)
            + [0xE2, 0x80] + Array(#""]}]}}"#.utf8)
        Self.expectAgreement(job)
        let bytes = Array(#"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":[""#.utf8) + [0xE9]
            + Array(#"x"],"workdir":"/"#.utf8) + [0xFF] + Array(#"","created_at":""#.utf8) + [0xFE] + Array(#""}]}}"#.utf8)
        Self.expectAgreement(bytes)
    }

    @Test func nestingUpToTheLimit() {
        for depth in [120, 123, 124, 125, 126, 130] {
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            Self.expectAgreement(#"{"success":true,"data":{"jobs":[{"id":"a","pid":1,"status":"running","command":["x"],"x":"# + nested + "}]}}")
            Self.expectAgreement(#"{"success":true,"data":{"jobs":"# + nested + "}}")
        }
    }

    @Test func everyTruncation() {
        let line = Self.daemonReply(Self.jobs)
        for end in 0...line.count {
            Self.expectAgreement(Array(line[..<end]))
        }
    }

    /// Whitespace wherever JSON allows it (and where it does not) takes the daemon's
    /// layout away: the transcoder must notice and read such a job the general way.
    @Test func everyInsertedSpace() {
        let line = Self.daemonReply(Self.jobs)
        for position in 0...line.count {
            for space: UInt8 in [0x20, 0x0A] {
                var spaced = line
                spaced.insert(space, at: position)
                Self.expectAgreement(spaced)
            }
        }
    }

    @Test func mangledBytes() {
        let line = Self.daemonReply(Self.jobs)
        let replacements = Array(#"{}[]",:\ 0-9eE.tfnu<&ü"#.utf8) + [0x00, 0x0A, 0x80, 0xFF]
        var random = SplitMix(seed: 0x2545_F491_4F6C_DD1D)
        for _ in 0..<6000 {
            var mangled = line
            for _ in 0..<Int(random.next() % 3) + 1 {
                let position = Int(random.next() % UInt64(mangled.count))
                let byte = replacements[Int(random.next() % UInt64(replacements.count))]
                switch random.next() % 3 {
                case 0: mangled[position] = byte
                case 1: mangled.insert(byte, at: position)
                default: mangled.remove(at: position)
                }
            }
            Self.expectAgreement(mangled)
        }
    }
}
