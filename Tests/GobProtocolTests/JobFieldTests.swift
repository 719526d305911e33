import GobProtocol
import Testing

/// `JobField` is the one definition of a job's members: every output (the wire
/// object, `list --json` by value and by the transcoder, events, replies) must carry each
/// field it should, and each field must come back as it went, on its own.
@Suite("One definition of a job's fields")
struct JobFieldTests {
    static let fields = JobField.allCases
    static let allKeys = fields.map(\.key)
    static let listedKeys = fields.filter(\.listed).map(\.key)

    /// Every field at its empty value: what a reader makes of `{}` plus the required ones.
    static let base = JobSnapshot(
        id: "", pid: 0, status: .stopped, command: [], workdir: "", createdAt: "", stdoutPath: "", stderrPath: "")

    /// A distinct, non-empty value for field `slot`, of its kind, as JSON.
    static func sample(_ slot: Int) -> JSON {
        let field = fields[slot]
        switch field.kind {
        case .text: return .string("t-\(field.key) é <&>")
        case .bytes: return JSON(OSString(bytes: Array("/\(field.key)/".utf8) + [0xE9]))
        case .words: return .array([.string(field.key), JSON(OSString(bytes: [0xFF, 0x20]))])
        case .int32: return .int(Int64(1000 + slot))
        case .status: return .string("running")
        // The outcome is read as one of its names; any other text reads as none.
        case .outcome: return .string("failure")
        case .optionalText: return .string("o-\(field.key)")
        case .optionalInt32: return .int(-7 * Int64(slot + 1))
        case .optionalInt64: return .int(Int64.max - Int64(slot))
        case .flag: return .bool(true)
        case .count: return .int(Int64(2000 + slot))
        case .counts(.stats): return .object([("runs", .int(12)), ("successes", .int(11)), ("failures", .int(1))])
        case .counts(.estimate): return .object([("typical_ms", .int(90_000)), ("upper_ms", .int(130_000))])
        case .ports:
            return .array([
                ListeningPort(port: 5173, transport: .tcp, address: "127.0.0.1", pid: 40).json,
                ListeningPort(port: 5353, transport: .udp, address: "::", pid: 41).json,
            ])
        case .listener:
            return ListeningPort(port: 8000, transport: .tcp, address: "::1", pid: 42).json
        }
    }

    /// `base` with field `slot` (or every field) set to its sample, read the way a client
    /// reads a job object.
    static func snapshot(setting slots: [Int]) throws -> JobSnapshot {
        var members = base.json.objectMembers
        for slot in slots { members[slot].1 = sample(slot) }
        return try #require(JobSnapshot(json: .object(members)))
    }

    static var full: JobSnapshot { get throws { try snapshot(setting: Array(fields.indices)) } }

    /// The daemon's compact bytes of `job`, parsed.
    static func wire(_ job: JobSnapshot) throws -> JSON {
        var bytes: [UInt8] = []
        job.writeJSON(into: &bytes, logPaths: true, indent: nil, level: 0)
        return try JSON(parsing: bytes)
    }

    /// The element `list --json` prints for `job`, through the transcoder.
    static func transcoded(_ job: JobSnapshot) throws -> JSON {
        let reply = JobListTranscoderTests.daemonReply([job])
        var transcoded: [UInt8]?
        _ = try reply.withUnsafeBufferPointer { try JobListTranscoder.transcode($0, into: &transcoded) }
        let output = try #require(transcoded)
        return try #require(try JSON(parsing: output).arrayValue?.first)
    }

    @Test func keysAreUniquePlainAndMatchTheProperties() {
        #expect(Set(Self.allKeys).count == Self.allKeys.count)
        // Writers copy keys without escaping them.
        #expect(Self.allKeys.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { (0x61...0x7A).contains($0) || $0 == 0x5F } })
        // A stored property of the snapshot that is not a field would reach no output.
        #expect(Mirror(reflecting: Self.base).children.count == Self.fields.count)
        // The cases are the wire order: raw values count up from 0.
        #expect(Self.fields.map(\.rawValue) == Array(0..<Self.fields.count))
    }

    @Test func theWireOrderIsTheContracts() {
        #expect(Self.allKeys == ["id", "pid", "status", "command", "workdir", "created_at", "stdout_path", "stderr_path",
                                 "exit_code", "signal", "ended_at", "started_at", "run_time_ms", "description",
                                 "stopped_by_gob", "run", "runs", "stats", "estimate", "outcome", "ready_log",
                                 "ready_port", "ready_timeout_ms", "readiness", "ready_at", "ready_after_ms",
                                 "ready_listener", "ports", "gobfile_name"])
        #expect(Self.listedKeys == Self.allKeys.filter { $0 != "stdout_path" && $0 != "stderr_path" })
    }

    @Test("every field reaches every output it belongs to")
    func everyFieldInEveryOutput() throws {
        let job = try Self.full
        let wire = try Self.wire(job)
        #expect(wire.objectMembers.map(\.0) == Self.allKeys)
        #expect(job.json.objectMembers.map(\.0) == Self.allKeys)
        #expect(job.listJSON.objectMembers.map(\.0) == Self.listedKeys)
        #expect(try Self.transcoded(job).objectMembers.map(\.0) == Self.listedKeys)
        for kind in JobEvent.Kind.allCases {
            let event = try JSON(parsing: JobEvent(kind: kind, job: job).json.compact)
            #expect(event["job"]?.objectMembers.map(\.0) == Self.allKeys)
        }
        // A reply carrying the job (add, run, start, restart, stop, signal, remove, get_job).
        let reply = try JSON(parsing: Response.ok([("job", job.json)]).json.compact)
        #expect(reply["data"]?["job"]?.objectMembers.map(\.0) == Self.allKeys)
        // Each output holds each field's value, not just its key.
        for (slot, field) in Self.fields.enumerated() {
            #expect(wire[field.key] == Self.sample(slot), "\(field.key)")
            if field.listed { #expect(try Self.transcoded(job)[field.key] == Self.sample(slot), "\(field.key)") }
        }
    }

    @Test("each field alone changes the job and comes back through every route")
    func everyFieldRoundTripsAlone() throws {
        for (slot, field) in Self.fields.enumerated() {
            let job = try Self.snapshot(setting: [slot])
            #expect(job != Self.base, "\(field.key) sets no property")
            // No other field sees the change: each field has a property of its own.
            for (other, otherField) in Self.fields.enumerated() where other != slot {
                #expect(job.json[otherField.key] == Self.base.json[otherField.key], "\(field.key) changes \(otherField.key)")
            }
            #expect(JobSnapshot(json: try Self.wire(job)) == job, "\(field.key)")
            #expect(JobSnapshot(json: try JSON(parsing: job.json.compact)) == job, "\(field.key)")
            let event = JobEvent(kind: .jobStopped, job: job)
            #expect(JobEvent(json: try JSON(parsing: event.json.compact)) == event, "\(field.key)")
            let listed = try Self.transcoded(job)
            #expect(listed == job.listJSON, "\(field.key)")
            // What `list --json` prints reads back as the job, but for the log paths.
            var withoutPaths = job
            withoutPaths.stdoutPath = ""
            withoutPaths.stderrPath = ""
            #expect(JobSnapshot(json: listed) == withoutPaths, "\(field.key)")
        }
    }

    @Test("a job object without a required field is refused by every reader")
    func requiredFields() throws {
        for (slot, field) in Self.fields.enumerated() {
            var members = try Self.full.json.objectMembers
            members.remove(at: slot)
            let required = field.kind.isRequired
            #expect((JobSnapshot(json: .object(members)) == nil) == required, "\(field.key)")
            let reply = Array(JSON.object([("success", .bool(true)), ("data", .object([("jobs", .array([.object(members)]))]))]).compact.utf8)
            var output: [UInt8]?
            _ = try reply.withUnsafeBufferPointer { try JobListTranscoder.transcode($0, into: &output) }
            #expect((output == nil) == required, "\(field.key)")
        }
    }
}

extension JSON {
    /// The members of an object; none for anything else.
    var objectMembers: [(String, JSON)] {
        if case let .object(members) = self { return members }
        return []
    }
}
