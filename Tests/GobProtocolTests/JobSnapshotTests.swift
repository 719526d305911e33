import GobProtocol
import Testing

@Suite("Job snapshots and events")
struct JobSnapshotTests {
    static let sample = JobSnapshot(
        id: "Vc5Ygdx", pid: 25571, status: .running, command: ["sh", "-c", "echo tick; sleep 1"],
        workdir: "/home/me/app", createdAt: "2026-11-26T14:14:59Z",
        stdoutPath: "/run/user/1000/gob/Vc5Ygdx.stdout.log", stderrPath: "/run/user/1000/gob/Vc5Ygdx.stderr.log")

    static let ended = JobSnapshot(
        id: "Vc5Ygdy", pid: 25572, status: .stopped, command: ["false"], workdir: "/w",
        createdAt: "2026-11-26T14:14:59Z", stdoutPath: "/o", stderrPath: "/e",
        exitCode: 1, signal: nil, endedAt: "2026-11-26T14:15:00Z",
        startedAt: "2026-11-26T14:14:59Z", runTimeMilliseconds: 1042, description: "fails on purpose")

    static let killed = JobSnapshot(
        id: "Vc5Ygdz", pid: 25573, status: .stopped, command: ["sleep", "9"], workdir: "/w",
        createdAt: "2026-11-26T14:14:59Z", stdoutPath: "/o", stderrPath: "/e",
        exitCode: nil, signal: "SIGTERM", endedAt: "2026-11-26T14:15:00Z")

    @Test func wireKeyOrder() {
        #expect(Self.sample.json.compact == #"{"id":"Vc5Ygdx","pid":25571,"status":"running","command":["sh","-c","echo tick; sleep 1"],"workdir":"/home/me/app","created_at":"2026-11-26T14:14:59Z","stdout_path":"/run/user/1000/gob/Vc5Ygdx.stdout.log","stderr_path":"/run/user/1000/gob/Vc5Ygdx.stderr.log","exit_code":null,"signal":null,"ended_at":null,"started_at":null,"run_time_ms":null,"description":null,"stopped_by_gob":false,"run":null,"runs":0,"stats":{"runs":0,"successes":0,"failures":0},"estimate":null,"outcome":null,"ready_log":null,"ready_port":null,"ready_timeout_ms":null,"readiness":null,"ready_at":null,"ready_after_ms":null,"ready_listener":null,"ports":[],"gobfile_name":null}"#)
    }

    @Test func listKeysHaveNoLogPaths() {
        #expect(Self.ended.listJSON.compact == #"{"id":"Vc5Ygdy","pid":25572,"status":"stopped","command":["false"],"workdir":"/w","created_at":"2026-11-26T14:14:59Z","exit_code":1,"signal":null,"ended_at":"2026-11-26T14:15:00Z","started_at":"2026-11-26T14:14:59Z","run_time_ms":1042,"description":"fails on purpose","stopped_by_gob":false,"run":null,"runs":0,"stats":{"runs":0,"successes":0,"failures":0},"estimate":null,"outcome":null,"ready_log":null,"ready_port":null,"ready_timeout_ms":null,"readiness":null,"ready_at":null,"ready_after_ms":null,"ready_listener":null,"ports":[],"gobfile_name":null}"#)
    }

    @Test("snapshots survive the wire", arguments: [sample, ended, killed])
    func roundTrip(job: JobSnapshot) throws {
        #expect(JobSnapshot(json: try JSON(parsing: job.json.compact)) == job)
    }

    @Test func commandLine() {
        #expect(Self.sample.commandLine == "sh -c 'echo tick; sleep 1'", "quoted so it can be pasted back")
    }

    @Test func refusesIncompleteJobs() throws {
        #expect(JobSnapshot(json: try JSON(parsing: #"{"id":"a","pid":1,"status":"running"}"#)) == nil)
        #expect(JobSnapshot(json: try JSON(parsing: #"{"id":"a","pid":1,"status":"paused","command":[]}"#)) == nil)
        #expect(JobSnapshot(json: try JSON(parsing: #"{"id":"a","pid":1,"status":"running","command":[1]}"#)) == nil)
    }

    @Test("events survive the wire", arguments: JobEvent.Kind.allCases)
    func eventRoundTrip(kind: JobEvent.Kind) throws {
        let event = JobEvent(kind: kind, job: Self.sample)
        let text = event.json.compact
        #expect(text.hasPrefix(#"{"type":"\#(kind.rawValue)","job_id":"Vc5Ygdx","job":{"id":"Vc5Ygdx","#))
        #expect(JobEvent(json: try JSON(parsing: text)) == event)
    }

    @Test func refusesUnknownEvents() throws {
        #expect(JobEvent(json: try JSON(parsing: #"{"type":"job_paused","job_id":"a","job":{}}"#)) == nil)
    }
}
