/// Why a request was sent, so its reply can be worded.
public enum Purpose: Equatable, Sendable {
    /// The job list; replies of an older generation are stale and ignored.
    case list(generation: Int)
    case stop(jobID: String, pid: Int32, force: Bool)
    case restart(jobID: String)
    case remove(jobID: String)
    case add
    /// The runs of a job; replies of an older generation are stale and ignored.
    case runs(jobID: String, generation: Int)
    /// Starting the gobfile entry called `name`.
    case up(name: String)
}
