import GobClient
import GobProtocol

/// The daemon's side: the job list, events and the replies to actions.
extension Update {
    /// Asks for the job list of the current scope. Events that arrive before its reply
    /// are kept and replayed on top of it: each carries the job's whole snapshot, so the
    /// list converges to the daemon's state whatever the interleaving.
    mutating func requestList() {
        model.listGeneration += 1
        if model.eventsAwaitingList == nil { model.eventsAwaitingList = [] }
        effects.append(.send(.list(workdir: model.scope), .list(generation: model.listGeneration)))
    }

    mutating func receive(_ events: [JobEvent]) {
        if model.eventsAwaitingList != nil {
            model.eventsAwaitingList?.append(contentsOf: events)
            return
        }
        for event in events { apply(event) }
    }

    /// Applies one event; events for unknown jobs are ignored.
    private mutating func apply(_ event: JobEvent) {
        let job = event.job
        if let scope = model.scope, job.workdir != scope { return }
        let index = model.jobs.firstIndex { $0.id == job.id }
        switch event.kind {
        case .jobAdded:
            if let index {
                model.jobs[index] = job
                return
            }
            // Newest first; moving the cursor along keeps the same job selected.
            let hadJobs = !model.jobs.isEmpty
            model.jobs.insert(job, at: 0)
            if hadJobs { model.cursor += 1 }
        case .jobStarted:
            guard let index else { return }
            model.jobs[index] = job
            // A new run, with logs of its own: show it (unless an earlier run is being
            // looked at), and know it among the runs.
            if index == model.cursor {
                requestRuns(of: job.id)
                if model.viewedRun == nil { syncLogs(force: true) }
            }
        case .jobReady, .jobReadyTimedOut, .portsUpdated:
            guard let index else { return }
            model.jobs[index] = job
        case .jobStopped:
            guard let index else { return }
            model.jobs[index] = job
            if index == model.cursor { requestRuns(of: job.id) }
        case .jobRemoved:
            guard let index else { return }
            model.jobs.remove(at: index)
            if index < model.cursor { model.cursor -= 1 }
        }
    }

    mutating func handleReply(_ purpose: Purpose, _ result: Result<Response, ClientError>) {
        let failure: String?
        let response: Response?
        switch result {
        case let .success(reply) where reply.success:
            (failure, response) = (nil, reply)
        case let .success(reply):
            (failure, response) = (reply.error ?? "unknown error", nil)
        case let .failure(error):
            (failure, response) = (error.description, nil)
        }
        switch purpose {
        case let .list(generation):
            guard generation == model.listGeneration else { return }
            receiveList(response?.jobs, failure: failure ?? "failed to decode response: missing jobs")
        case let .stop(jobID, pid, force):
            guard let response else { return say("Failed to stop: \(failure ?? "")", isError: true) }
            if response["was_running"]?.boolValue == false { return say("Job \(jobID) is not running") }
            let stopped = response["pid"]?.intValue.map(String.init) ?? String(pid)
            if !force, response["killed"]?.boolValue == true {
                return say("Stopped PID \(stopped) with SIGKILL: it did not stop on SIGTERM")
            }
            say("\(force ? "Killed" : "Stopped") PID \(stopped)")
        case let .restart(jobID):
            guard let job = response?.job else {
                return say("Failed to restart: \(failure ?? "failed to decode response: missing job")", isError: true)
            }
            say("Restarted \(jobID) (PID \(job.pid))")
        case let .remove(jobID):
            guard response != nil else { return say("Failed to remove: \(failure ?? "")", isError: true) }
            say("Removed \(jobID)")
        case let .up(name):
            guard let job = response?.job else {
                if case let .success(reply) = result, reply.code == .alreadyRunning {
                    return say("\(name) is already running")
                }
                return say("Failed to start \(name): \(failure ?? "failed to decode response: missing job")", isError: true)
            }
            say("Started \(name) as \(job.id) (PID \(job.pid))")
        case .add:
            guard let job = response?.job else {
                return say("Failed to add: \(failure ?? "failed to decode response: missing job")", isError: true)
            }
            say("Started \(job.id) (PID \(job.pid))")
        case let .runs(jobID, generation):
            guard generation == model.runsGeneration, jobID == model.runsJobID else { return }
            model.runsLoaded = true
            let wanted = model.earlierRunWanted
            model.earlierRunWanted = false
            guard let runs = response?["runs"]?.arrayValue?.compactMap(RunSnapshot.init(json:)) else {
                if wanted { say("Cannot read the runs of \(jobID): \(failure ?? "no runs in the reply")", isError: true) }
                return
            }
            // The run being looked at stays the one looked at, wherever it is now.
            let viewed = model.shownRun?.id
            model.runs = runs
            model.viewedRun = viewed.flatMap { id in runs.firstIndex { $0.id == id } }.flatMap { $0 > 0 ? $0 : nil }
            // A `[` that came before the runs.
            if wanted {
                guard runs.count > 1 else { return say("No earlier run of \(jobID)", isError: true) }
                showRun(1)
            }
        }
    }

    /// Takes a list reply: keeps the selected job selected when it is still there (or
    /// selects the first after `a`), then replays the events that came meanwhile.
    private mutating func receiveList(_ jobs: [JobSnapshot]?, failure: String) {
        let buffered = model.eventsAwaitingList ?? []
        model.eventsAwaitingList = nil
        if let jobs {
            let selectedID = model.selectedJob?.id
            model.jobs = jobs
            if model.cursorToTopOnList {
                model.cursor = 0
            } else if let selectedID, let index = jobs.firstIndex(where: { $0.id == selectedID }) {
                model.cursor = index
            }
            model.cursorToTopOnList = false
        } else {
            say("Failed to list jobs: \(failure)", isError: true)
        }
        for event in buffered { apply(event) }
    }
}
