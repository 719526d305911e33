/// The machine-readable kind of a failed request, sent as `"code"` beside the message in
/// every error response. Clients decide on codes, never on message text, so messages can
/// be reworded for people without breaking scripts.
public enum ErrorCode: String, Sendable, Equatable, CaseIterable {
    /// No job (or run) with that ID.
    case notFound = "not_found"
    /// The job is running and the request needs it stopped (`start`, `remove`, `run`).
    case alreadyRunning = "already_running"
    /// The job is not running and the request needs it running (`signal`).
    case notRunning = "not_running"
    /// A value in the request is not acceptable (an empty command, a bad signal number).
    case invalidArgument = "invalid_argument"
    /// The request itself could not be read: not JSON, wrong types, too large, unknown type.
    case invalidRequest = "invalid_request"
    /// The client was built for another protocol revision than the daemon.
    case versionMismatch = "version_mismatch"
    /// The daemon is shutting down and did not carry the request out; retry with a new one.
    case shuttingDown = "shutting_down"
    /// The job's process could not be started (no such program, bad working directory).
    case spawnFailed = "spawn_failed"
    /// Processes of the job survived SIGKILL, or could not be signalled.
    case stopFailed = "stop_failed"
    /// The daemon could not read or write a file it needs (a full disk, a lost directory).
    case ioError = "io_error"
    /// The daemon cannot take more work right now (out of threads or descriptors).
    case busy = "busy"
    /// The project's gobfile forbids starting this command (an entry with `blocked = true`),
    /// or the gobfile cannot be read, so what it blocks is unknown.
    case blocked = "blocked"
    /// Anything else: a defect or an unexpected system error.
    case `internal` = "internal"

    // Failures the client finds on its own, before or without a daemon's answer; they
    // never travel on the wire, but `--json` output names them like the daemon's.

    /// The command line is wrong: an unknown flag, a missing flag value, the wrong number
    /// of arguments. The usage hint follows the message.
    case usage = "usage"
    /// The daemon could not be reached or started, or went away before it answered.
    case daemonUnavailable = "daemon_unavailable"
    /// The command's own deadline (`--timeout`) passed first.
    case timedOut = "timed_out"
    /// The run a wait was on looks stuck: it ran past its limit and printed nothing for a
    /// while (exit status 122); it keeps running.
    case stuck = "stuck"
}
