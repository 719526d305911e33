import GobClient
import GobProject
import GobProtocol

/// What `gob up` prints once its waits are over: one line per entry (name, job ID, how it
/// stands), the last lines of the logs of jobs that are not ready on stderr, and the exit
/// status; or all of it as one JSON object.
struct UpReport {
    let entries: [GobfileEntry]
    let outcomes: [ProjectUp.Outcome]
    /// The readiness wait, when any job had a rule to wait for.
    let readiness: ReadinessAwaiter.Result?
    let gobfile: Gobfile

    /// How one entry ended up.
    enum State: String {
        case ready, running, alreadyRunning = "already_running"
        case ended, timedOut = "timed_out", notReady = "not_ready"
        case blocked, failed
    }

    /// One entry's state, its job as last seen, and its text after the name.
    struct Line {
        let state: State
        let job: JobSnapshot?
        let text: String
        /// A failure message (`blocked`, `failed`).
        let error: String?
    }

    var lines: [Line] { outcomes.map(line) }

    private func line(_ outcome: ProjectUp.Outcome) -> Line {
        switch outcome {
        case let .refused(message, code):
            if code == .blocked { return Line(state: .blocked, job: nil, text: message, error: message) }
            return Line(state: .failed, job: nil, text: "failed: " + message, error: message)
        case let .started(job, _):
            return jobLine(job, alreadyRunning: false)
        case let .alreadyRunning(job):
            return jobLine(job, alreadyRunning: true)
        }
    }

    private func jobLine(_ given: JobSnapshot, alreadyRunning: Bool) -> Line {
        var job = given
        var state = ReadinessAwaiter.state(of: given)
        if let readiness, let index = readiness.jobs.firstIndex(where: { $0.id == given.id }) {
            job = readiness.jobs[index]
            state = readiness.states[index]
        }
        let id = job.id + "  "
        switch state {
        case .noRule:
            return alreadyRunning
                ? Line(state: .alreadyRunning, job: job, text: id + "already running", error: nil)
                : Line(state: .running, job: job, text: id + "running", error: nil)
        case .ready:
            if alreadyRunning && given.readinessState == .ready {
                return Line(state: .alreadyRunning, job: job, text: id + "already running", error: nil)
            }
            let after = job.readyAfterMilliseconds.map { " after " + DurationText.format(milliseconds: $0) } ?? ""
            let on = job.readyListener.map { " on " + ReadinessReport.url(of: $0) } ?? ""
            return Line(state: .ready, job: job, text: id + "ready" + after + on, error: nil)
        case .ended:
            return Line(state: .ended, job: job, text: id + "ended before it was ready: " + JobOutcome.summary(of: job), error: nil)
        case .timedOut:
            let within = job.readyTimeoutMilliseconds.map { " within " + DurationText.format(milliseconds: $0) } ?? ""
            return Line(state: .timedOut, job: job, text: id + "not ready\(within) (ready_timeout); it keeps running", error: nil)
        case .waiting:
            let why = readiness?.outcome == .interrupted ? "interrupted" : "timed out"
            return Line(state: .notReady, job: job, text: id + "not ready yet (\(why)); it keeps running", error: nil)
        }
    }

    /// 0 when every entry runs (and is ready); 130 when interrupted; 1 when one was
    /// refused or ended; else 124 when one was not ready in time.
    var exitStatus: Int32 {
        let states = lines.map(\.state)
        if readiness?.outcome == .interrupted { return AwaitReport.interruptedStatus }
        if states.contains(where: { [.blocked, .failed, .ended].contains($0) }) { return 1 }
        if states.contains(where: { [.timedOut, .notReady].contains($0) }) { return AwaitReport.timedOutStatus }
        return 0
    }

    /// The lines on stdout; for each job that is not ready, its logs' last lines on stderr.
    func print(tail: Int) {
        let width = entries.map(\.name.count).max() ?? 0
        let errors = OutputSink(descriptor: 2, sanitizing: true)
        for (entry, line) in zip(entries, lines) {
            Console.line(ProjectFile.line(name: entry.name, width: width, line.text))
            if let job = line.job, [.ended, .timedOut].contains(line.state) {
                LogTails.write(of: job, lines: tail, to: errors)
            }
        }
    }

    /// `{"gobfile", "exit_code", "entries": [{"name", "state", "job", "error"}]}`.
    var json: JSON {
        let objects: [JSON] = zip(entries, lines).map { entry, line in
            .object([
                ("name", .string(entry.name)), ("state", .string(line.state.rawValue)),
                ("job", line.job?.json ?? .null), ("error", line.error.map(JSON.string) ?? .null),
            ])
        }
        return .object([
            ("gobfile", .string(gobfile.path)), ("exit_code", .int(Int64(exitStatus))), ("entries", .array(objects)),
        ])
    }
}
