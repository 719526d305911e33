import Foundation
import GobProtocol
import Testing

/// Job-level helpers built on the CLI itself.
extension Sandbox {
    /// `gob add <command>`; returns the new job's ID and PID.
    @discardableResult
    func addJob(_ command: String..., in directory: String? = nil, environment: [String: String?] = [:]) async throws -> (id: String, pid: pid_t) {
        let outcome = try await gob(["add", "--"] + command, in: directory, environment: environment)
        #expect(outcome.status == 0, "\(outcome)")
        let prefix = "Added job "
        let line = try #require(outcome.stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }, "\(outcome)")
        let id = String(line.dropFirst(prefix.count).prefix { $0 != " " })
        #expect(line == "\(prefix)\(id) running: \(ShellWords.quote(command))")
        let job = try #require(try await listedJobs().first { $0.id == id }, "job \(id) not listed")
        return (id, job.pid)
    }

    /// Every job, from `gob list --all --json`.
    func listedJobs() async throws -> [JobSnapshot] {
        let outcome = try await gob("list", "--all", "--json")
        #expect(outcome.status == 0, "\(outcome)")
        let json = try JSON(parsing: outcome.stdout)
        let elements = try #require(json.arrayValue, "\(outcome)")
        return try elements.map { element in
            // list --json omits the log paths; JobSnapshot reads them as empty.
            try #require(JobSnapshot(json: element), "unreadable job \(element.compact)")
        }
    }

    /// The listed job `id`, if it exists.
    func listedJob(_ id: String) async throws -> JobSnapshot? {
        try await listedJobs().first { $0.id == id }
    }

    /// Waits until job `id` is reported stopped and returns it.
    func waitUntilStopped(_ id: String, timeout: Duration = .seconds(10)) async throws -> JobSnapshot {
        var last: JobSnapshot?
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            last = try await listedJob(id)
            if let job = last, job.status == .stopped { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("job \(id) still not stopped after \(timeout): \(String(describing: last))")
        return try #require(last)
    }

    /// The contents of job `id`'s stdout log.
    func stdoutLog(_ id: String) -> String {
        (try? String(contentsOfFile: paths.stdoutLog(id), encoding: .utf8)) ?? ""
    }
}
