import GobProtocol

/// Turns one decoded request into the daemon's response (contract §5.5): a stateless
/// harness in front of the stateful supervisor.
public struct RequestHandler: Sendable {
    /// What the connection must do after writing the response.
    public enum FollowUp: Sendable, Equatable {
        case close
        /// Keep the connection open as an event stream.
        case subscribe(workdir: String?)
        /// Close, then shut the daemon down (`shutdown`, or `nuke` leaving no job: D6).
        case shutdown
    }

    let supervisor: JobSupervisor

    public init(supervisor: JobSupervisor) {
        self.supervisor = supervisor
    }

    public func handle(_ request: Request) -> (Response, FollowUp) {
        do throws(SupervisorError) {
            return try answer(request)
        } catch {
            return (.failure(error.description), .close)
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
        case let .add(spec):
            return (.ok([("job", try supervisor.add(spec).json)]), .close)
        case let .run(spec):
            let (job, restarted) = try supervisor.run(spec)
            return (.ok([("job", job.json), ("restarted", .bool(restarted))]), .close)
        case let .stop(id, force):
            let pid = try supervisor.stop(id, force: force)
            return (.ok([("force", .bool(force)), ("job_id", .string(id)), ("pid", .int(Int64(pid)))]), .close)
        case let .start(id, environment):
            return (.ok([("job", try supervisor.start(id, environment: environment).json)]), .close)
        case let .restart(id, environment):
            return (.ok([("job", try supervisor.restart(id, environment: environment).json)]), .close)
        case let .remove(id):
            let pid = try supervisor.remove(id)
            return (.ok([("job_id", .string(id)), ("pid", .int(Int64(pid)))]), .close)
        case let .cleanup(workdir):
            return (.ok([("count", .int(Int64(supervisor.cleanup(workdir: workdir))))]), .close)
        case let .nuke(workdir):
            let result = supervisor.nuke(workdir: workdir)
            let response = Response.ok([
                ("cleaned", .int(Int64(result.cleaned))),
                ("logs_deleted", .int(Int64(result.logsDeleted))),
                ("stopped", .int(Int64(result.stopped))),
            ])
            return (response, supervisor.jobCount == 0 ? .shutdown : .close)
        case let .signal(id, signal):
            let pid = try supervisor.signal(id, signal: signal)
            return (.ok([("job_id", .string(id)), ("pid", .int(Int64(pid))), ("signal", .int(Int64(signal)))]), .close)
        case let .getJob(id):
            return (.ok([("job", try supervisor.job(id).json)]), .close)
        case let .subscribe(workdir):
            return (.ok([("message", .string("subscribed"))]), .subscribe(workdir: workdir))
        }
    }
}
