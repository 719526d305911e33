import GobProtocol

/// What a job process needs to start.
public struct LaunchSpec: Sendable, Equatable {
    /// The job's argv and directory, byte for byte.
    public var command: [OSString]
    public var workdir: OSString
    /// `KEY=VALUE` entries: exactly the job's environment, never the daemon's, byte for byte.
    public var environment: [OSString]
    public var stdoutPath: String
    public var stderrPath: String
    /// The starting client's umask, nice value and limits; nil: the launcher's defaults.
    public var settings: ProcessSettings?
    /// The job's ID, put in its environment as `GOB_JOB_ID` (replacing one the client had):
    /// every descendant inherits it, which tells the job's processes apart once their
    /// parents have ended. Nil: no marker.
    public var jobID: String?

    public init(
        command: [OSString], workdir: OSString, environment: [OSString], stdoutPath: String, stderrPath: String,
        settings: ProcessSettings? = nil, jobID: String? = nil
    ) {
        self.command = command
        self.workdir = workdir
        self.environment = environment
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.settings = settings
        self.jobID = jobID
    }
}

/// A started process: its PID (also its process group), where the OS tells its start time
/// (which tells a later daemon whether that PID still names the same process after a crash), and
/// a pidfd held since it was born, through which its group is reached without trusting a
/// number that may have been reused.
public struct LaunchedProcess: Sendable, Equatable {
    public var pid: Int32
    public var startTime: UInt64?
    public var handle: ProcessHandle?
    /// Taken over from a daemon that ended uncleanly: not this daemon's child, so never
    /// reaped by it, and its end is learnt through the pidfd instead.
    public var adopted: Bool

    public init(pid: Int32, startTime: UInt64?, handle: ProcessHandle? = nil, adopted: Bool = false) {
        self.pid = pid
        self.startTime = startTime
        self.handle = handle
        self.adopted = adopted
    }

    public static func == (a: LaunchedProcess, b: LaunchedProcess) -> Bool {
        a.pid == b.pid && a.startTime == b.startTime && a.handle === b.handle && a.adopted == b.adopted
    }
}

/// Why a process could not start, in plain words: `cannot start "x": no such file`,
/// `working directory /x does not exist`.
public struct LaunchError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The side effects of running jobs, behind a seam so the supervisor is tested without
/// real processes. The supervisor calls every method without holding its table's lock:
/// each may touch the file system or wait on it.
public protocol ProcessLauncher: Sendable {
    /// Creates (truncating) the two log files and starts the process in its own group.
    func launch(_ spec: LaunchSpec) throws(LaunchError) -> LaunchedProcess
    /// Sends `signal` to the processes of the group `process` leads, as far as they
    /// provably still are the job's; 0, ESRCH when none is (left or provable), or the errno.
    func signalGroup(of process: LaunchedProcess, _ signal: Int32) -> Int32
    /// Whether a live process (not a zombie) provably of that group remains.
    func groupHasLiveMembers(_ process: LaunchedProcess) -> Bool
    /// Whether any process of that group may remain, zombies included: a cheap hint for
    /// the record and for when to look again, never a reason to signal.
    func groupMayHaveMembers(_ process: LaunchedProcess) -> Bool
    /// Refuses a working directory a job could not start in, before anything is stopped.
    func checkWorkdir(_ workdir: OSString) throws(LaunchError)
    /// Makes again what starts used up (spare log files), once a start's reply is out.
    func prepareAhead()
}

extension ProcessLauncher {
    public func prepareAhead() {}
}
