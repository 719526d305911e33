#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GobProtocol
import Testing

/// A private world for one test: its own runtime directory (so its own daemon), its own
/// working directory, and a teardown that leaves no process or file behind.
///
/// Every process the test starts carries `GOB_TEST_SANDBOX=<base>` in its environment,
/// and jobs inherit it (Decision D3), so teardown finds the daemon, the jobs and their
/// descendants by scanning /proc. Cleanups run last-in-first-out.
final class Sandbox: @unchecked Sendable {
    // @unchecked: a sandbox belongs to one test task; its mutable state is not shared.

    /// `XDG_RUNTIME_DIR` for the test's processes.
    let base: String
    /// `<rt>` = `<base>/gob`.
    let paths: RuntimePaths
    /// The default working directory of commands.
    let workdir: String
    /// The environment entry that marks this sandbox's processes.
    let marker: String
    private let captures: String
    private var cleanups: [() async -> Void] = []
    private var runCount = 0

    /// Runs `body` in a new sandbox and tears it down afterwards, also on failure.
    static func run(_ body: (Sandbox) async throws -> Void) async throws {
        let sandbox = try Sandbox()
        do {
            try await body(sandbox)
        } catch {
            await sandbox.tearDown()
            throw error
        }
        await sandbox.tearDown()
    }

    private init() throws {
        base = try Self.temporaryDirectory("gt")
        paths = RuntimePaths(directory: base + "/gob")
        marker = "GOB_TEST_SANDBOX=\(base)"
        cleanups.append { [base] in Self.remove(base) }
        workdir = try Self.temporaryDirectory("gw")
        cleanups.append { [workdir] in Self.remove(workdir) }
        captures = try Self.temporaryDirectory("gc")
        cleanups.append { [captures] in Self.remove(captures) }
        cleanups.append { [weak self] in await self?.stopEverything() }
    }

    /// A new empty directory that is removed at teardown.
    func makeDirectory() throws -> String {
        let path = try Self.temporaryDirectory("gd")
        cleanups.append { Self.remove(path) }
        return path
    }

    /// Registers `cleanup` to run at teardown, before the ones registered earlier.
    func addCleanup(_ cleanup: @escaping () async -> Void) { cleanups.append(cleanup) }

    /// The environment of a command run in `directory`: the test process's own, with
    /// this sandbox's runtime directory, marker and `PWD`; `overrides` set or (nil) unset
    /// variables.
    func environment(directory: String, overrides: [String: String?] = [:]) -> [String] {
        var variables = ProcessInfo.processInfo.environment
        variables["XDG_RUNTIME_DIR"] = base
        variables["PWD"] = directory
        variables["GOB_TEST_SANDBOX"] = base
        for (key, value) in overrides { variables[key] = value }
        return variables.map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// Runs `gob <arguments>` to completion.
    func gob(_ arguments: String..., in directory: String? = nil, environment overrides: [String: String?] = [:]) async throws -> Outcome {
        try await gob(arguments, in: directory, environment: overrides)
    }

    func gob(_ arguments: [String], in directory: String? = nil, environment overrides: [String: String?] = [:]) async throws -> Outcome {
        let started = try start(arguments, in: directory, environment: overrides)
        return try await started.finish()
    }

    /// A `gob` run that has been started but not yet waited for.
    struct Started {
        let pid: pid_t
        let stdoutPath: String
        let stderrPath: String

        func finish() async throws -> Outcome {
            let status = try await GobProcess.wait(pid)
            let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            let err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            return Outcome(status: status, stdout: out, stderr: err)
        }
    }

    /// Starts `gob <arguments>` without waiting for it.
    func start(_ arguments: [String], in directory: String? = nil, environment overrides: [String: String?] = [:]) throws -> Started {
        let directory = directory ?? workdir
        runCount += 1
        let prefix = "\(captures)/run\(runCount)"
        let pid = try GobProcess.spawn(
            arguments, environment: environment(directory: directory, overrides: overrides), directory: directory,
            stdoutPath: prefix + ".out", stderrPath: prefix + ".err")
        return Started(pid: pid, stdoutPath: prefix + ".out", stderrPath: prefix + ".err")
    }

    /// The daemon's PID from its PID file, if there is one.
    var daemonPID: pid_t? {
        (try? String(contentsOfFile: paths.pidFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Live `gob daemon` processes of this sandbox.
    var daemons: [ProcessScan.Entry] {
        ProcessScan.processes(withEnvironment: marker).filter {
            $0.state != "Z" && $0.arguments.count >= 2 && $0.arguments[1] == "daemon"
        }
    }

    /// Whether the runtime directory holds anything at all.
    var runtimeDirectoryExists: Bool { FileManager.default.fileExists(atPath: paths.directory) }

    /// The names of the files in `<rt>`.
    var runtimeFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: paths.directory)) ?? []).sorted()
    }

    func tearDown() async {
        while let cleanup = cleanups.popLast() { await cleanup() }
    }

    /// SIGTERM to the daemon, a short grace, then SIGKILL to every process (and process
    /// group) of the sandbox until none is left.
    private func stopEverything() async {
        let clock = ContinuousClock()
        for daemon in daemons { kill(daemon.pid, SIGTERM) }
        var deadline = clock.now + .seconds(3)
        while !daemons.isEmpty, clock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        deadline = clock.now + .seconds(5)
        let ownGroup = getpgrp()
        while clock.now < deadline {
            let left = ProcessScan.processes(withEnvironment: marker).filter { $0.state != "Z" }
            if left.isEmpty { return }
            for process in left {
                if process.pgid > 1, process.pgid != ownGroup { kill(-process.pgid, SIGKILL) }
                kill(process.pid, SIGKILL)
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("processes of sandbox \(base) survived SIGKILL")
    }

    private static func temporaryDirectory(_ prefix: String) throws -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw GobProcess.SpawnFailure(code: errno, path: "mkdtemp") }
        return String(cString: made)
    }

    private static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
