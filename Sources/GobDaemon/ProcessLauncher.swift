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

    public init(command: [OSString], workdir: OSString, environment: [OSString], stdoutPath: String, stderrPath: String) {
        self.command = command
        self.workdir = workdir
        self.environment = environment
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }
}

/// A started process: its PID (also its process group) and, where the OS tells, its start
/// time, which tells a later daemon whether that PID still names the same process (D14).
public struct LaunchedProcess: Sendable, Equatable {
    public var pid: Int32
    public var startTime: UInt64?

    public init(pid: Int32, startTime: UInt64?) {
        self.pid = pid
        self.startTime = startTime
    }
}

/// Why a process could not start; `description` is the whole error text, e.g.
/// `failed to start process: exec: "x": executable file not found in $PATH`.
public struct LaunchError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The side effects of running jobs, behind a seam so the supervisor is tested without
/// real processes.
public protocol ProcessLauncher: Sendable {
    /// Creates (truncating) the two log files and starts the process in its own group.
    func launch(_ spec: LaunchSpec) throws(LaunchError) -> LaunchedProcess
    /// Sends `signal` to process group `pgid`; returns 0 or the errno.
    func signalGroup(_ pgid: Int32, _ signal: Int32) -> Int32
    /// Whether any process (zombies included) is still in group `pgid`.
    func groupExists(_ pgid: Int32) -> Bool
}

/// How a process ended, decoded from a `waitpid` status.
public enum ProcessEnd: Sendable, Equatable {
    case exited(Int32)
    case signaled(Int32)

    public init(waitStatus status: Int32) {
        let low = status & 0x7F
        if low == 0 {
            self = .exited((status >> 8) & 0xFF)
        } else {
            self = .signaled(low)
        }
    }
}
