import Foundation
@testable import GobDaemon
import GobProtocol
import Testing

@Suite("Request handler", .timeLimit(.minutes(1)))
struct RequestHandlerTests {
    @Test func answersWithTheContractsDataShapes() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let handler = RequestHandler(supervisor: f.supervisor)
        #expect(handler.handle(.ping).0.json.compact == #"{"success":true,"data":{"message":"pong"}}"#)
        #expect(handler.handle(.list(workdir: nil)).0.json.compact == #"{"success":true,"data":{"jobs":[]}}"#)
        let (added, _) = handler.handle(.add(f.spec(["sleep", "5"])))
        let job = try #require(added.job)
        let (stopped, _) = handler.handle(.stop(jobID: job.id, force: false))
        let stoppedJob = try #require(stopped.job)
        #expect(stopped.json.compact == #"{"success":true,"data":{"force":false,"job":\#(stoppedJob.json.compact),"job_id":"\#(job.id)","killed":false,"pid":\#(job.pid),"was_running":true}}"#)
        #expect(stoppedJob.status == .stopped)
        #expect(stoppedJob.stoppedByGob, "a job gob stopped says so")
        let (again, _) = handler.handle(.stop(jobID: job.id, force: true))
        #expect(again["was_running"] == .bool(false) && again["killed"] == .bool(false), "nothing was left to stop")
        let (signalled, _) = handler.handle(.signal(jobID: job.id, signal: 0))
        #expect(signalled.json.compact == #"{"success":false,"error":"job \#(job.id) is not running","code":"not_running"}"#)
        let (removed, _) = handler.handle(.remove(jobID: job.id))
        #expect(removed.json.compact == #"{"success":true,"data":{"job":\#(stoppedJob.json.compact),"job_id":"\#(job.id)","pid":\#(job.pid)}}"#)
        let (missing, _) = handler.handle(.getJob(jobID: job.id))
        #expect(missing.json.compact == #"{"success":false,"error":"job not found: \#(job.id)","code":"not_found"}"#)
        #expect(handler.handle(.cleanup(workdir: nil)).0.json.compact == #"{"success":true,"data":{"count":0}}"#)
    }

    @Test func statusTellsWhoTheDaemonIsAndWhatItHolds() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let handler = RequestHandler(supervisor: f.supervisor, startedAtNanos: Timestamp.nowNanoseconds() - 5_000_000_000)
        _ = handler.handle(.add(f.spec(["a"])))
        let (response, _) = handler.handle(.status)
        #expect(response["pid"]?.intValue == Int64(getpid()))
        #expect(response["version"]?.stringValue == GobVersion.current)
        #expect((response["uptime_seconds"]?.intValue ?? 0) >= 5)
        #expect(response["runtime_dir"]?.stringValue == f.directory)
        #expect(response["jobs_running"]?.intValue == 1 && response["jobs_stopped"]?.intValue == 0)
        #expect(response["subscribers"]?.intValue == 0)
        #expect((response["rss_bytes"]?.intValue ?? 0) > 0)
    }

    @Test func followUpsSubscribeAndShutDown() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let handler = RequestHandler(supervisor: f.supervisor)
        #expect(handler.handle(.subscribe(workdir: "/a")).1 == .subscribe(workdir: "/a"))
        #expect(handler.handle(.shutdown).1 == .shutdown)
        _ = handler.handle(.add(f.spec(["a"], workdir: "/a")))
        _ = handler.handle(.add(f.spec(["b"], workdir: "/b")))
        let (partial, keepRunning) = handler.handle(.nuke(workdir: "/a"))
        #expect(partial.json.compact == #"{"success":true,"data":{"cleaned":1,"logs_deleted":2,"stopped":1}}"#)
        #expect(keepRunning == .close, "jobs remain elsewhere, so the daemon stays")
        #expect(handler.handle(.nuke(workdir: nil)).1 == .shutdown, "no job left: shut down")
    }
}
