import Foundation
import GobProtocol
import Testing

/// Job-level helpers built on the CLI itself, and waits on the daemon's job events.
extension Sandbox {
    /// `gob add <command>`; returns the started job's ID and PID: a new job's, or that of
    /// the stopped job with the same command here, which `add` starts again.
    @discardableResult
    public func addJob(_ command: String..., in directory: String? = nil, environment: [String: String?] = [:]) async throws -> (id: String, pid: pid_t) {
        let outcome = try await gob(["add", "--"] + command, in: directory, environment: environment)
        #expect(outcome.status == 0, "\(outcome)")
        let line = try #require(
            outcome.stdout.split(separator: "\n").first { $0.hasPrefix("Added job ") || $0.hasPrefix("Restarted job ") },
            "\(outcome)")
        let prefix = line.hasPrefix("Added job ") ? "Added job " : "Restarted job "
        let id = String(line.dropFirst(prefix.count).prefix { $0 != " " })
        #expect(line == "\(prefix)\(id) running: \(ShellWords.quote(command))")
        let job = try #require(try await listedJobs().first { $0.id == id }, "job \(id) not listed")
        return (id, job.pid)
    }

    /// `gob add -- <command>` with an argument array; the new job's ID.
    public func addJob(arguments command: [String]) async throws -> String {
        let outcome = try await gob(["add", "--"] + command)
        #expect(outcome.status == 0, "\(outcome)")
        let line = try #require(outcome.stdout.split(separator: "\n").first, "\(outcome)")
        return String(line.dropFirst("Added job ".count).prefix { $0 != " " })
    }

    /// Every job, from `gob list --all --json`.
    public func listedJobs() async throws -> [JobSnapshot] {
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
    public func listedJob(_ id: String) async throws -> JobSnapshot? {
        try await listedJobs().first { $0.id == id }
    }

    /// Waits until job `id` is reported stopped and returns it (as `list` shows it).
    @discardableResult
    public func waitUntilStopped(_ id: String, timeout: Duration = Failsafe.wait) async throws -> JobSnapshot {
        let jobs = try await waitForJobs("job \(id) to stop", timeout: timeout) { jobs in
            jobs.contains { $0.id == id && $0.status == .stopped }
        }
        return try #require(jobs.first { $0.id == id })
    }

    /// Waits until the daemon's job table satisfies `condition`: checked now and again
    /// after each job event the daemon sends (a burst of events is checked once).
    /// Returns the table; throws `WaitTimeout` naming `what` after `timeout`.
    @discardableResult
    public func waitForJobs(
        _ what: @autoclosure () -> String, timeout: Duration = Failsafe.wait, _ condition: ([JobSnapshot]) -> Bool
    ) async throws -> [JobSnapshot] {
        let deadline = ContinuousClock().now + timeout
        let subscription = try await DaemonSubscription.open(socket: paths.socket, daemonLog: paths.daemonLog, timeout: timeout)
        var result: [JobSnapshot]?
        var ended = false
        while result == nil {
            let jobs = try await daemonJobs()
            if condition(jobs) {
                result = jobs
                break
            }
            if ended { break }
            switch await subscription.next(until: deadline) {
            case .event:
                while subscription.hasPendingEvent { _ = await subscription.next(until: deadline) }
            case .ended:
                ended = true
            case .timedOut:
                await subscription.close()
                throw WaitTimeout(what(), after: timeout)
            }
        }
        await subscription.close()
        guard let result else { throw WaitTimeout("\(what()) (the daemon ended the event stream)", after: timeout) }
        return result
    }

    /// The daemon's job table, asked for over the socket (cheaper than running `gob`).
    public func daemonJobs() async throws -> [JobSnapshot] {
        let response = try #require(await rawReply(Request.list(workdir: nil).json.compact), "no reply to list")
        return try #require(response.jobs, "\(response.json.compact)")
    }

    /// The contents of job `id`'s stdout log.
    public func stdoutLog(_ id: String) -> String {
        (try? String(contentsOfFile: paths.stdoutLog(id), encoding: .utf8)) ?? ""
    }
}
