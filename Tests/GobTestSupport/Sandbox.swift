import Glibc
import Foundation
import GobProtocol
import Synchronization
import Testing

/// A private world for one test: its own runtime directory (so its own daemon), its own
/// state directory (database and logs) and configuration directory, its own working
/// directory, and a teardown that leaves no process or file behind.
///
/// Every process the test starts carries `GOB_TEST_SANDBOX=<base>` in its environment,
/// and jobs inherit it. The test process is the subreaper of all it starts
/// (see `ProcessScan`), so teardown finds the sandbox's processes by walking down from
/// its own children that carry the marker. Cleanups run last-in-first-out.
public final class Sandbox: @unchecked Sendable {
    // @unchecked: the mutable state (`cleanups`, `runCount`) belongs to the one test task
    // that owns the sandbox; the spawned-children set is shared and has its own lock.

    /// `XDG_RUNTIME_DIR` for the test's processes.
    public let base: String
    /// `<rt>` = `<base>/gob`.
    public let paths: RuntimePaths
    /// `XDG_STATE_HOME` for the test's processes: the daemon keeps its database and the
    /// runs' logs in `<stateHome>/gob`.
    public let stateHome: String
    /// `XDG_CONFIG_HOME` for the test's processes.
    public let configHome: String
    /// The default working directory of commands.
    public let workdir: String
    /// The environment entry that marks this sandbox's processes.
    public let marker: String
    /// Where the outputs of the programs the test runs are captured.
    public let captures: String
    let children = SpawnedChildren()
    private var cleanups: [() async -> Void] = []
    private var runCount = 0

    /// Runs `body` in a new sandbox and tears it down afterwards, also on failure. Holds
    /// one of the end-to-end slots meanwhile unless the test holds one already (see
    /// `EndToEndSlots`).
    public static func run(_ body: (Sandbox) async throws -> Void) async throws {
        try await EndToEndSlots.holdingSlot {
            let sandbox = try Sandbox()
            do {
                try await body(sandbox)
            } catch {
                await sandbox.tearDown()
                throw error
            }
            await sandbox.tearDown()
        }
    }

    private init() throws {
        _ = ProcessScan.adoptsOrphans
        base = try Self.temporaryDirectory("gt")
        paths = RuntimePaths(directory: base + "/gob")
        marker = "GOB_TEST_SANDBOX=\(base)"
        cleanups.append { [base] in Self.remove(base) }
        stateHome = try Self.temporaryDirectory("gs")
        cleanups.append { [stateHome] in Self.remove(stateHome) }
        configHome = try Self.temporaryDirectory("gf")
        cleanups.append { [configHome] in Self.remove(configHome) }
        workdir = try Self.temporaryDirectory("gw")
        cleanups.append { [workdir] in Self.remove(workdir) }
        captures = try Self.temporaryDirectory("gc")
        cleanups.append { [captures] in Self.remove(captures) }
        cleanups.append { [weak self] in await self?.stopEverything() }
    }

    /// A new empty directory that is removed at teardown.
    public func makeDirectory() throws -> String {
        let path = try Self.temporaryDirectory("gd")
        cleanups.append { Self.remove(path) }
        return path
    }

    /// Registers `cleanup` to run at teardown, before the ones registered earlier.
    public func addCleanup(_ cleanup: @escaping () async -> Void) { cleanups.append(cleanup) }

    /// The environment of a command run in `directory`: the test process's own, with
    /// this sandbox's runtime, state and configuration directories, marker and `PWD`;
    /// `overrides` set or (nil) unset variables.
    public func environment(directory: String, overrides: [String: String?] = [:]) -> [String] {
        var variables = ProcessInfo.processInfo.environment
        variables["XDG_RUNTIME_DIR"] = base
        variables["XDG_STATE_HOME"] = stateHome
        variables["XDG_CONFIG_HOME"] = configHome
        // A simulated reboot sets its own; none leaks in from the test's environment.
        variables["GOB_TEST_BOOT_ID"] = nil
        variables["PWD"] = directory
        variables["GOB_TEST_SANDBOX"] = base
        for (key, value) in overrides { variables[key] = value }
        return variables.map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// Runs `gob <arguments>` to completion.
    public func gob(_ arguments: String..., in directory: String? = nil, environment overrides: [String: String?] = [:]) async throws -> Outcome {
        try await gob(arguments, in: directory, environment: overrides)
    }

    public func gob(_ arguments: [String], in directory: String? = nil, environment overrides: [String: String?] = [:]) async throws -> Outcome {
        let started = try start(arguments, in: directory, environment: overrides)
        return try await started.finish()
    }

    /// A program run that has been started but not yet waited for.
    public struct Started: Sendable {
        public let pid: pid_t
        public let stdoutPath: String
        public let stderrPath: String
        let children: SpawnedChildren

        /// Waits for the program to end; what it printed and its status.
        public func finish() async throws -> Outcome {
            let status = try await ChildProcess.wait(pid, what: "`\(command)` to finish")
            children.reaped(pid)
            return Outcome(status: status, stdout: stdout, stderr: stderr)
        }

        /// What it has printed on stdout so far.
        public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
        /// What it has printed on stderr so far.
        public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

        private var command: String { children.command(of: pid) }
    }

    /// Starts `gob <arguments>` without waiting for it.
    public func start(_ arguments: [String], in directory: String? = nil, environment overrides: [String: String?] = [:]) throws -> Started {
        let directory = directory ?? workdir
        return try spawn(
            GobProcess.executable, ["gob"] + arguments, environment: environment(directory: directory, overrides: overrides),
            directory: directory)
    }

    /// Starts `path` with `arguments` (the first is `argv[0]`) and exactly `environment`,
    /// capturing its output; teardown kills and reaps it if the test did not finish it.
    public func spawn(_ path: String, _ arguments: [String], environment: [String], directory: String? = nil) throws -> Started {
        runCount += 1
        let prefix = "\(captures)/run\(runCount)"
        let pid = try children.spawning(arguments.joined(separator: " ")) {
            try ChildProcess.spawn(path, arguments, environment: environment, directory: directory ?? workdir,
                                   stdout: prefix + ".out", stderr: prefix + ".err")
        }
        return Started(pid: pid, stdoutPath: prefix + ".out", stderrPath: prefix + ".err", children: children)
    }

    /// The daemon's PID from its PID file, if there is one.
    public var daemonPID: pid_t? {
        (try? String(contentsOfFile: paths.pidFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Live daemons (`gob-daemon`) of this sandbox.
    public var daemons: [ProcessScan.Entry] {
        ProcessScan.processes(withEnvironment: marker).filter { process in
            // `gob-daemon` serving (not reading a gobfile or printing its version).
            process.state != "Z" && process.arguments.first?.hasSuffix("gob-daemon") == true
                && !process.arguments.contains { $0 == "--read-gobfile" || $0 == "--version" }
        }
    }

    /// `<state>`: the daemon's database and the runs' logs.
    public var stateDirectory: String { stateHome + "/gob" }
    /// The state database.
    public var database: String { stateDirectory + "/state.db" }

    /// The path of one of a run's logs (`stream`: `stdout` or `stderr`).
    public func runLog(_ runID: String, _ stream: String = "stdout") -> String {
        "\(stateDirectory)/logs/\(runID).\(stream).log"
    }

    /// The names of the files in `<state>/logs`.
    public var runLogFiles: [String] {
        // Without the empty `spare-*.log` files the daemon makes ahead for the next starts.
        ((try? FileManager.default.contentsOfDirectory(atPath: stateDirectory + "/logs")) ?? [])
            .filter { !($0.hasPrefix("spare-") && $0.hasSuffix(".log")) }.sorted()
    }

    /// Whether the runtime directory holds anything at all.
    public var runtimeDirectoryExists: Bool { FileManager.default.fileExists(atPath: paths.directory) }

    /// The names of the files in `<rt>`.
    public var runtimeFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: paths.directory)) ?? []).sorted()
    }

    public func tearDown() async {
        while let cleanup = cleanups.popLast() { await cleanup() }
    }

    private static func temporaryDirectory(_ prefix: String) throws -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SpawnFailure(code: errno, path: "mkdtemp") }
        return String(cString: made)
    }

    private static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
