import ArgumentParser
import GobClient
import GobProject
import GobProtocol
import GobSystem

/// What `gob up` does: starts the chosen entries that are not running through `run`
/// requests (which reuse a stopped job of the same command and directory, and refuse a
/// running one, so two `gob up` at once cannot start an entry twice), then waits for the
/// readiness of all of them through one subscription opened before the first start.
struct ProjectUp {
    let gobfile: Gobfile
    let entries: [GobfileEntry]
    /// Lines of each log shown for a job that is not ready.
    let tail: Int
    let json: Bool

    /// Where one entry stands.
    enum Outcome {
        /// Started now (`restarted`: an existing stopped job of the entry) or found
        /// running; the job as last seen.
        case started(JobSnapshot, restarted: Bool)
        case alreadyRunning(JobSnapshot)
        /// Not started: the daemon refused (`blocked`, a spawn failure, …).
        case refused(String, code: ErrorCode)
    }

    /// `--dry-run`: one line per entry saying whether it would start; never starts the daemon.
    func dryRun() throws {
        let jobs = try runningJobs()
        let width = entries.map(\.name.count).max() ?? 0
        var objects: [JSON] = []
        for entry in entries {
            let text: String
            var state = "would_start"
            var job: JobSnapshot?
            if entry.blocked {
                (text, state) = (Gobfile.blockedMessage(entry), "blocked")
            } else if let running = Self.runningJob(of: entry, in: jobs) {
                (text, state, job) = ("\(running.id)  already running", "already_running", running)
            } else {
                text = "would start: \(entry.commandLine)" + (entry.workdir == gobfile.location.root ? "" : " (in \(entry.workdir))")
            }
            if json {
                objects.append(.object([("name", .string(entry.name)), ("state", .string(state)), ("job", job?.json ?? .null)]))
            } else {
                Console.line(ProjectFile.line(name: entry.name, width: width, text))
            }
        }
        if json { Console.json(.object([("gobfile", .string(gobfile.path)), ("entries", .array(objects))])) }
        if entries.isEmpty && !json { Console.line(Self.nothingSelected(gobfile)) }
    }

    func run() throws {
        if entries.isEmpty {
            if json { return Console.json(UpReport(entries: [], outcomes: [], readiness: nil, gobfile: gobfile).json) }
            return Console.line(Self.nothingSelected(gobfile))
        }
        // Subscribed before the first start, so no readiness announcement can slip by.
        let events = try JobFollowSupport.subscribe(workdir: nil)
        let session = DaemonSession()
        let environment = OSString.environment()
        let settings = ProcessSettings.current()
        var outcomes: [Outcome] = []
        for entry in entries {
            outcomes.append(try start(entry, session: session, environment: environment, settings: settings))
        }
        let readiness = try awaitReadiness(outcomes, events: events)
        let report = UpReport(entries: entries, outcomes: outcomes, readiness: readiness, gobfile: gobfile)
        if json { Console.json(report.json) } else { report.print(tail: tail) }
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }

    /// Starts `entry` unless it runs; connection failures end the whole command.
    private func start(
        _ entry: GobfileEntry, session: DaemonSession, environment: [OSString], settings: ProcessSettings
    ) throws(CommandFailure) -> Outcome {
        if entry.blocked {
            return .refused(Gobfile.blockedMessage(entry), code: .blocked)
        }
        let spec = JobSpec(
            command: entry.command, workdir: entry.workdir, environment: entry.environment(over: environment),
            description: entry.description, settings: settings, ready: entry.ready, gobfileName: entry.name)
        let response: Response
        do throws(ClientError) {
            response = try session.client.send(.run(spec))
        } catch {
            throw DaemonSession.failure(error, wording: .verbatim)
        }
        guard response.success, let job = response.job else {
            let code = response.code ?? .internal
            if code == .alreadyRunning, let running = try findRunning(entry, session: session) {
                return .alreadyRunning(running)
            }
            return .refused(response.error ?? "failed to decode response: missing job", code: code)
        }
        return .started(job, restarted: response["restarted"]?.boolValue ?? false)
    }

    /// The running job of `entry` (same command, same directory), as the daemon has it now.
    private func findRunning(_ entry: GobfileEntry, session: DaemonSession) throws(CommandFailure) -> JobSnapshot? {
        let jobs = try session.sendList(.list(workdir: entry.workdir), wording: .verbatim)
        return Self.runningJob(of: entry, in: jobs)
    }

    /// Waits for every started or running job whose readiness is still open.
    private func awaitReadiness(_ outcomes: [Outcome], events: EventStream) throws -> ReadinessAwaiter.Result? {
        var jobs: [JobSnapshot] = []
        for outcome in outcomes {
            switch outcome {
            case let .started(job, _), let .alreadyRunning(job):
                if job.readinessRule != nil { jobs.append(job) }
            case .refused: break
            }
        }
        guard !jobs.isEmpty else { return nil }
        let longest = jobs.map { $0.readyTimeoutMilliseconds ?? ReadinessRule.defaultTimeoutMilliseconds }.max() ?? 0
        let failsafe = MonotonicClock.now() + (longest + ReadyWait.graceMilliseconds) * 1_000_000
        let result = ReadinessAwaiter(jobs: jobs, events: events, mode: .all, deadline: failsafe).run()
        switch result.outcome {
        case .daemonStopped: throw JobFollowSupport.daemonStopped
        case let .lost(reason): throw CommandFailure("event subscription error: \(reason)", code: .daemonUnavailable)
        case .settled, .timedOut, .interrupted: return result
        }
    }

    /// Every running job, or none when no daemon runs (none is started to find out).
    private func runningJobs() throws(CommandFailure) -> [JobSnapshot] {
        guard let response = try DaemonSession().sendIfRunning(.list(workdir: nil), wording: .verbatim) else { return [] }
        return try response.requireJobs(wording: .verbatim).filter { $0.status == .running }
    }

    /// The newest running job with `entry`'s command in its directory.
    static func runningJob(of entry: GobfileEntry, in jobs: [JobSnapshot]) -> JobSnapshot? {
        jobs.first { $0.status == .running && $0.workdir == entry.workdir && $0.command == entry.command }
    }

    static func nothingSelected(_ gobfile: Gobfile) -> String {
        "Nothing to start: no entry of \(gobfile.path) has autostart = true (name entries to start them: gob up <name>)"
    }
}
