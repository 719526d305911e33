import GobProtocol
import Testing

@Suite("Responses")
struct ResponseTests {
    @Test func dataKeysAreSorted() {
        let response = Response.ok([("pid", .int(20715)), ("job_id", .string("Vc5ZUwF")), ("force", .bool(false))])
        #expect(response.json.compact == #"{"success":true,"data":{"force":false,"job_id":"Vc5ZUwF","pid":20715}}"#)
    }

    @Test func failureCarriesOnlyTheError() {
        #expect(Response.failure("job not found: x", code: .notFound).json.compact == #"{"success":false,"error":"job not found: x","code":"not_found"}"#)
    }

    @Test func emptyDataIsOmitted() {
        #expect(Response.ok([]).json.compact == #"{"success":true}"#)
    }

    @Test func roundTrip() throws {
        let response = Response.ok([("message", .string("pong"))])
        let parsed = try #require(Response(json: try JSON(parsing: response.json.compact)))
        #expect(parsed == response)
        #expect(parsed["message"]?.stringValue == "pong")
    }

    @Test func notAResponse() throws {
        #expect(Response(json: try JSON(parsing: #"{"ok":true}"#)) == nil)
        #expect(Response(json: try JSON(parsing: #"[]"#)) == nil)
    }

    @Test func jobsReadsNullAndEmptyAsNone() throws {
        let null = try #require(Response(json: try JSON(parsing: #"{"success":true,"data":{"jobs":null}}"#)))
        #expect(null.jobs == [])
        let empty = try #require(Response(json: try JSON(parsing: #"{"success":true,"data":{"jobs":[]}}"#)))
        #expect(empty.jobs == [])
        let missing = try #require(Response(json: try JSON(parsing: #"{"success":true,"data":{}}"#)))
        #expect(missing.jobs == nil)
        let wrong = try #require(Response(json: try JSON(parsing: #"{"success":true,"data":{"jobs":[1]}}"#)))
        #expect(wrong.jobs == nil)
    }

    @Test func jobAndJobs() throws {
        let job = JobSnapshotTests.sample
        let response = Response.ok([("job", job.json), ("jobs", .array([job.json, job.json]))])
        let parsed = try #require(Response(json: try JSON(parsing: response.json.compact)))
        #expect(parsed.job == job)
        #expect(parsed.jobs == [job, job])
    }
}
