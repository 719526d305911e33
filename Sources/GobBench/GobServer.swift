import Glibc
import GobProtocol
import GobSystem

/// A gob daemon in a private `XDG_RUNTIME_DIR` and `XDG_STATE_HOME` inside a sandbox, and
/// the commands and raw requests that reach it.
final class GobServer {
    let xdgRuntimeDir: String
    /// Where the daemon keeps its database and the runs' logs (`<xdgStateHome>/gob`): on
    /// disk, as `~/.local/state` is.
    let xdgStateHome: String
    /// `<xdgRuntimeDir>/gob`: socket, PID file, logs.
    let paths: RuntimePaths
    let environment: [String]
    private let gob: String
    private let sandbox: Sandbox

    /// A server whose `XDG_RUNTIME_DIR` is `<name>` in the sandbox's tmpfs runtime root,
    /// or on disk with `onDisk` (`Sandbox.makeRuntimeDirectory`), and whose `XDG_STATE_HOME`
    /// is `xdgStateHome` (a history seeded there, or shared by servers in turn) or a new
    /// directory on disk; nothing starts yet.
    init(gob: String, sandbox: Sandbox, name: String, onDisk: Bool = false, xdgStateHome: String? = nil) throws(BenchError) {
        self.gob = gob
        self.sandbox = sandbox
        xdgRuntimeDir = try sandbox.makeRuntimeDirectory(name, onDisk: onDisk)
        if let xdgStateHome {
            self.xdgStateHome = xdgStateHome
        } else {
            self.xdgStateHome = try sandbox.makeDirectory("state-" + name)
        }
        paths = RuntimePaths(directory: xdgRuntimeDir + "/gob")
        environment = BenchEnvironment.make(
            workdir: sandbox.workdir, xdgRuntimeDir: xdgRuntimeDir, xdgStateHome: self.xdgStateHome)
        sandbox.trackGobRuntime(xdgRuntimeDir)
    }

    /// `gob <arguments…>` in the sandbox's working directory with this runtime directory.
    func command(_ arguments: [String]) -> Command {
        Command(executable: gob, arguments: ["gob"] + arguments, environment: environment,
                workdir: sandbox.workdir, errorLog: sandbox.errorLog)
    }

    /// Starts the daemon with `gob ping`.
    func start() throws(BenchError) {
        try command(["ping"]).spawn().waitForSuccess(deadline: MonotonicClock.deadline(seconds: 20))
        guard daemonPID != nil else { throw BenchError("`gob ping` succeeded but \(paths.pidFile) names no live daemon") }
    }

    /// The running daemon's PID, from its PID file.
    var daemonPID: pid_t? { GobServer.livePID(in: paths.pidFile) }

    /// Creates `count` jobs running `command` with raw `add` requests, one connection each
    /// (no `gob` process per job, so 1,000 jobs take about a second).
    @discardableResult
    func addJobs(_ count: Int, command: [String]) throws(BenchError) -> [JobSnapshot] {
        let start = MonotonicClock.now()
        var jobs: [JobSnapshot] = []
        jobs.reserveCapacity(count)
        for _ in 0..<count {
            let spec = JobSpec(
                command: command.map { OSString($0) }, workdir: OSString(sandbox.workdir),
                environment: environment.map { OSString($0) })
            let response = try DaemonConnection.call(.add(spec), socketPath: paths.socket)
            guard let job = response.job else { throw BenchError("`add` answered without a job") }
            jobs.append(job)
        }
        if count >= 100 {
            Console.progress("  \(count) jobs added in \(Samples.format(MonotonicClock.milliseconds(MonotonicClock.now() - start) / 1000)) s")
        }
        return jobs
    }

    /// Starts every job of `ids` (stopped jobs of a seeded history) with raw `start`
    /// requests: each gets a new run.
    func startJobs(_ ids: [String]) throws(BenchError) {
        for id in ids {
            let response = try DaemonConnection.call(
                .start(jobID: id, environment: environment.map { OSString($0) }), socketPath: paths.socket)
            guard response.success else { throw BenchError("`start \(id)` failed: \(response.error ?? "?")") }
        }
    }

    /// Stops the daemon (SIGTERM, waiting until it is gone) and deletes the runtime directory.
    func stop() throws(BenchError) {
        try sandbox.discardGobRuntime(xdgRuntimeDir)
    }

    /// Stops the daemon of `xdgRuntimeDir`, if one runs: SIGTERM (it stops its jobs and
    /// removes its files), then waits until it is gone. One that ignores SIGTERM for 30 s
    /// is killed with its jobs' process groups, and that is an error.
    static func stopDaemon(xdgRuntimeDir: String) throws(BenchError) {
        let paths = RuntimePaths(directory: xdgRuntimeDir + "/gob")
        guard let pid = livePID(in: paths.pidFile) else { return }
        // Known beforehand, in case the daemon must be killed and leaves its jobs behind.
        let jobs = (try? DaemonConnection.call(.list(workdir: nil), socketPath: paths.socket, timeout: 2))?.jobs ?? []
        let start = MonotonicClock.now()
        kill(pid, SIGTERM)
        if ProcFS.waitUntilGone(pid, timeout: 30) {
            let running = jobs.filter { $0.status == .running }.count
            if running >= 100 {
                Console.progress("  daemon with \(running) running jobs stopped in \(Samples.format(MonotonicClock.milliseconds(MonotonicClock.now() - start) / 1000)) s")
            }
            return
        }
        kill(pid, SIGKILL)
        for job in jobs where job.status == .running && job.pid > 1 { kill(-job.pid, SIGKILL) }
        _ = ProcFS.waitUntilGone(pid, timeout: 5)
        throw BenchError("the gob daemon (PID \(pid)) was still running 30 s after SIGTERM; killed it")
    }

    /// The PID in a PID file when that process is alive.
    private static func livePID(in pidFile: String) -> pid_t? {
        guard let text = FileText.read(pidFile),
              let pid = pid_t(text.filter { !$0.isWhitespace }), pid > 1, !ProcFS.isGone(pid)
        else { return nil }
        return pid
    }
}
