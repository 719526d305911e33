import Glibc
import GobProtocol
import GobStore

/// Turns one decoded request into the daemon's response: a stateless
/// harness in front of the stateful supervisor.
public struct RequestHandler: Sendable {
    /// What the connection must do after writing the response.
    public enum FollowUp: Sendable, Equatable {
        case close
        /// Keep the connection open as an event stream.
        case subscribe(workdir: OSString?)
        /// Close, then shut the daemon down (`shutdown`, or `nuke` leaving no job).
        case shutdown
    }

    let supervisor: JobSupervisor
    /// When the daemon started, for `status`.
    let startedAtNanos: Int64
    /// Where the daemon keeps its state, for `status`; nil without a store.
    let statePaths: StatePaths?

    public init(supervisor: JobSupervisor, startedAtNanos: Int64 = Timestamp.nowNanoseconds(), statePaths: StatePaths? = nil) {
        self.supervisor = supervisor
        self.startedAtNanos = startedAtNanos
        self.statePaths = statePaths
    }

    /// The reply line for `request`, line feed included, and what to do after it: the
    /// bytes of `handle`'s response. A `list` is written from each job's kept wire bytes,
    /// without a JSON value in between: thousands of jobs took milliseconds that way.
    public func reply(to request: Request) -> (line: [UInt8], followUp: FollowUp) {
        switch request {
        case .ping, .status, .shutdown, .subscribe, .daemonRestart: break
        // Log paths are handed out: the links of jobs read back from the store must exist.
        default: supervisor.waitForLinks()
        }
        switch request {
        case let .list(workdir):
            let line = Self.listReply(body: supervisor.listBody(workdir: workdir), lineFeed: true)
            supervisor.portsListed(scope: workdir)
            return (line, .close)
        case let .listJSON(workdir):
            let line = supervisor.listRendering(workdir: workdir, Self.listJSONReply)
            supervisor.portsListed(scope: workdir)
            return (line, .close)
        default: break
        }
        var line: [UInt8] = []
        let (response, followUp) = handle(request)
        response.json.write(into: &line, indent: nil, level: 0)
        line.append(0x0A)
        return (line, followUp)
    }

    /// Called once the reply to `request` is out: a start has what it used made again
    /// (`JobSupervisor.prepareAhead`), off the path of its reply.
    public func replied(to request: Request) {
        switch request {
        case .add, .run, .start, .restart: supervisor.prepareAhead()
        default: break
        }
    }

    /// The `list` reply around `body`, the jobs' kept wire bytes. The line is allocated once
    /// at its size: a guess that fell short grew and copied hundreds of kilobytes for a
    /// list of a thousand jobs.
    static func listReply(body: [UInt8], lineFeed: Bool) -> [UInt8] {
        let head = #"{"success":true,"data":{"jobs":["#.utf8
        let tail = "]}}".utf8
        var line: [UInt8] = []
        line.reserveCapacity(head.count + body.count + tail.count + 1)
        line.append(contentsOf: head)
        line.append(contentsOf: body)
        line.append(contentsOf: tail)
        if lineFeed { line.append(0x0A) }
        return line
    }

    /// The `list_json` reply for a `list` body: a line that says how long the output is,
    /// then `gob list --json`'s output for those jobs (the client's transcoder, run here
    /// once for each state of the table instead of in every client).
    static func listJSONReply(body: [UInt8]) -> [UInt8] {
        var output: [UInt8]?
        let response = try? listReply(body: body, lineFeed: false).withUnsafeBufferPointer { bytes throws(JSONError) in
            try JobListTranscoder.transcode(bytes, into: &output)
        }
        var line: [UInt8] = []
        guard response != nil, let output else {
            // Never, for bytes the daemon wrote.
            Response.failure("cannot write the list of jobs", code: .internal).json.write(into: &line, indent: nil, level: 0)
            line.append(0x0A)
            return line
        }
        let head = #"{"success":true,"data":{"output_bytes":"# + String(output.count + 1) + "}}\n"
        line.reserveCapacity(head.utf8.count + output.count + 1)
        line.append(contentsOf: head.utf8)
        line.append(contentsOf: output)
        line.append(0x0A)
        return line
    }

    /// Whether `request` is answered from memory at once: no file, store or process is
    /// touched, nothing is waited for, and little is done (`ping`, `status`, and `list`
    /// of a table of at most `quickListLimit` jobs once the links of stored jobs are
    /// made). The socket server answers those on its accepting thread; a longer list is
    /// built on a thread of its own, so that it holds up no other client.
    public func answersAtOnce(_ request: Request) -> Bool {
        switch request {
        case .ping, .status: true
        case .list, .listJSON: supervisor.jobCount <= Self.quickListLimit && supervisor.linksMade
        default: false
        }
    }

    /// The most jobs a `list` answered at once may have to go through.
    static let quickListLimit = 256

    public func handle(_ request: Request) -> (Response, FollowUp) {
        do throws(SupervisorError) {
            return try answer(request)
        } catch {
            return (.failure(error.description, code: error.code), .close)
        }
    }

    private func answer(_ request: Request) throws(SupervisorError) -> (Response, FollowUp) {
        switch request {
        case .ping:
            return (.ok([("message", .string("pong"))]), .close)
        case .shutdown:
            return (.ok([("message", .string("shutting down"))]), .shutdown)
        case let .list(workdir):
            return (.ok([("jobs", .array(supervisor.list(workdir: workdir).map(\.json)))]), .close)
        case .listJSON:
            // `reply(to:)` answers it: its reply is a length and the output, no response object.
            throw SupervisorError("list_json is answered with its output, not a response", code: .internal)
        case let .add(spec), let .run(spec):
            let isRun = if case .run = request { true } else { false }
            let (job, restarted) = try supervisor.submit(spec, refusingRunning: isRun)
            return (.ok([("job", job.json), ("restarted", .bool(restarted))]), .close)
        case let .stop(id, force):
            let result = try supervisor.stop(id, force: force)
            let data: [(String, JSON)] = [
                ("force", .bool(force)), ("job_id", .string(id)), ("pid", .int(Int64(result.pid))),
                ("was_running", .bool(result.wasRunning)), ("killed", .bool(result.killed)),
            ]
            return (.ok(data + jobMember(id)), .close)
        case let .start(id, environment, settings, ready):
            return (.ok([("job", try supervisor.start(id, environment: environment, settings: settings, ready: ready).json)]), .close)
        case let .restart(id, environment, settings, ready):
            let job = try supervisor.restart(id, environment: environment, settings: settings, ready: ready)
            return (.ok([("job", job.json)]), .close)
        case let .remove(id):
            let job = try supervisor.remove(id)
            return (.ok([("job_id", .string(id)), ("pid", .int(Int64(job.pid))), ("job", job.json)]), .close)
        case let .cleanup(workdir):
            return (.ok([("count", .int(Int64(supervisor.cleanup(workdir: workdir))))]), .close)
        case let .nuke(workdir):
            let result = supervisor.nuke(workdir: workdir)
            if let failure = result.failure { return (.failure(failure, code: .stopFailed), .close) }
            let response = Response.ok([
                ("cleaned", .int(Int64(result.cleaned))),
                ("logs_deleted", .int(Int64(result.logsDeleted))),
                ("stopped", .int(Int64(result.stopped))),
            ])
            return (response, supervisor.isEmpty ? .shutdown : .close)
        case let .signal(id, signal):
            let pid = try supervisor.signal(id, signal: signal)
            let data: [(String, JSON)] = [("job_id", .string(id)), ("pid", .int(Int64(pid))), ("signal", .int(Int64(signal)))]
            return (.ok(data + jobMember(id)), .close)
        case let .getJob(id):
            return (.ok([("job", try supervisor.job(id).json)]), .close)
        case let .runs(id, limit):
            return (.ok([("runs", .array(try supervisor.runs(of: id, limit: limit).map(\.json)))]), .close)
        case let .getRun(runID):
            return (.ok([("run", try supervisor.run(runID).json)]), .close)
        case let .stats(id):
            let (job, summary) = try supervisor.summary(of: id)
            return (.ok([("job", job.json), ("stats", Self.statistics(summary))]), .close)
        case let .removeRun(runID):
            let run = try supervisor.removeRun(runID)
            return (.ok([("run", run.json), ("run_id", .string(runID))]), .close)
        case let .subscribe(workdir):
            return (.ok([("message", .string("subscribed"))]), .subscribe(workdir: workdir))
        case .status:
            return (.ok(status()), .close)
        case let .ports(jobID, workdir):
            let jobs = try supervisor.ports(jobID: jobID, workdir: workdir)
            return (.ok([("jobs", .array(jobs.map(\.json)))]), .close)
        case let .processes(jobID):
            let (job, processes) = try supervisor.processes(of: jobID)
            return (.ok([("job", job.json), ("processes", .array(processes.map(\.json)))]), .close)
        case .daemonRestart:
            // The socket server carries it out (it re-executes the whole process); a
            // handler serving without one cannot.
            throw SupervisorError("this daemon cannot restart in place", code: .internal)
        }
    }
}

extension RequestHandler {
    /// `("job", snapshot)` for replies that also carry the job (clients ignore members
    /// they do not know), or nothing when it was removed meanwhile.
    func jobMember(_ id: String) -> [(String, JSON)] {
        guard let job = try? supervisor.job(id) else { return [] }
        return [("job", job.json)]
    }

    /// The `stats` reply's numbers: counts, the success rate, and the typical (median) and
    /// upper (90th percentile) durations of the latest successful and failed runs.
    static func statistics(_ summary: RunSummary) -> JSON {
        let ended = summary.successes + summary.failures
        func durations(_ values: [Int64]) -> JSON {
            guard let estimate = RunEstimate(durations: values, minimum: 1) else { return .null }
            return .object([
                ("count", .int(Int64(values.count))),
                ("typical_ms", .int(estimate.typicalMilliseconds)),
                ("upper_ms", .int(estimate.upperMilliseconds)),
            ])
        }
        return .object([
            ("runs", .int(summary.runs)),
            ("successes", .int(summary.successes)),
            ("failures", .int(summary.failures)),
            ("success_rate", ended > 0 ? .double(Double(summary.successes * 10_000 / ended) / 10_000) : .null),
            ("successful", durations(summary.successDurations)),
            ("failed", durations(summary.failureDurations)),
        ])
    }

    /// The `status` reply: who the daemon is, how long it has run, what it holds.
    func status() -> [(String, JSON)] {
        let now = Timestamp.nowNanoseconds()
        let jobs = supervisor.jobCounts
        return [
            ("pid", .int(Int64(getpid()))),
            ("version", .string(GobVersion.current)),
            ("protocol", .string(GobVersion.handshake)),
            ("started_at", .string(Timestamp.rfc3339(secondsSinceEpoch: startedAtNanos / 1_000_000_000))),
            ("uptime_seconds", .int((now - startedAtNanos) / 1_000_000_000)),
            ("runtime_dir", .string(supervisor.paths.directory)),
            ("state_dir", statePaths.map { .string($0.directory) } ?? .null),
            ("jobs_running", .int(Int64(jobs.running))),
            ("jobs_stopped", .int(Int64(jobs.all - jobs.running))),
            ("subscribers", .int(Int64(supervisor.bus.subscriberCount))),
            ("rss_bytes", .int(ProcessTable.residentBytes() ?? 0)),
            ("port_lookups_pending", .int(Int64(supervisor.pendingPortLookups))),
        ]
    }
}
