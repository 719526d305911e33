import GobProtocol
import Testing

@Suite("Process settings in requests")
struct ProcessSettingsTests {
    static let settings = ProcessSettings(umask: 0o027, nice: 5, limits: [
        .init(name: "nofile", soft: 1024, hard: 524_288),
        .init(name: "core", soft: 0, hard: UInt64.max),
    ])

    @Test func travelInAddRunStartAndRestart() throws {
        let spec = JobSpec(command: ["ls"], workdir: "/w", environment: ["A=1"], settings: Self.settings)
        for request in [Request.add(spec), .run(spec), .start(jobID: "abc", environment: nil, settings: Self.settings),
                        .restart(jobID: "abc", environment: ["B=2"], settings: Self.settings)] {
            #expect(try Request(line: Array(request.json.compact.utf8)) == request)
        }
        #expect(Request.add(spec).json.compact == #"{"type":"add","payload":{"command":["ls"],"workdir":"/w","env":["A=1"],"umask":23,"nice":5,"rlimits":{"nofile":[1024,524288],"core":[0,"unlimited"]}}}"#)
    }

    @Test func absentMeansNone() throws {
        let request = try Request(line: Array(#"{"type":"start","payload":{"job_id":"abc"}}"#.utf8))
        #expect(request == .start(jobID: "abc", environment: nil, settings: nil))
    }

    @Test(arguments: [
        (#""umask":-1"#, "invalid umask format"), (#""umask":512"#, "invalid umask format"),
        (#""nice":20"#, "invalid nice format"), (#""rlimits":[1]"#, "invalid rlimits format"),
        (#""rlimits":{"bogus":[1,2]}"#, "unknown resource limit: bogus"),
        (#""rlimits":{"nofile":[2,1]}"#, "invalid rlimits format"),
        (#""rlimits":{"nofile":[1,"lots"]}"#, "invalid rlimits format"),
    ])
    func badValuesAreRefused(member: String, message: String) {
        let line = #"{"type":"start","payload":{"job_id":"abc",\#(member)}}"#
        #expect(throws: RequestError(message)) { try Request(line: Array(line.utf8)) }
    }

    @Test func currentReadsThisProcess() {
        let current = ProcessSettings.current()
        #expect(current.umask != nil)
        #expect(current.limits.contains { $0.name == "nofile" && $0.soft <= $0.hard })
        #expect(current.limits.count == ProcessSettings.resources.count)
    }
}
