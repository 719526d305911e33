/// A state change pushed to subscribers.
public struct JobEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case jobAdded = "job_added"
        case jobStarted = "job_started"
        case jobStopped = "job_stopped"
        case jobRemoved = "job_removed"
        /// The current run's readiness rule held (`ready_at` is set).
        case jobReady = "job_ready"
        /// The current run's readiness rule did not hold within its timeout; the run goes on.
        case jobReadyTimedOut = "job_ready_timed_out"
        /// The sockets the job's process tree listens on changed (its `ports`).
        case portsUpdated = "ports_updated"
    }

    public var kind: Kind
    public var job: JobSnapshot

    public init(kind: Kind, job: JobSnapshot) {
        self.kind = kind
        self.job = job
    }

    /// `{"type","job_id","job"}` in that order.
    public var json: JSON {
        .object([("type", .string(kind.rawValue)), ("job_id", .string(job.id)), ("job", job.json)])
    }

    public init?(json: JSON) {
        guard let type = json["type"]?.stringValue, let kind = Kind(rawValue: type),
              let jobJSON = json["job"], let job = JobSnapshot(json: jobJSON)
        else { return nil }
        self.init(kind: kind, job: job)
    }
}
