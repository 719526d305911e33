import Glibc
import Foundation

/// Running other programs (shells) in a sandbox, with the built `gob` first on `PATH`, as
/// a user's shell would find it.
extension Sandbox {
    /// The absolute path of `name` in the usual system directories, if installed.
    public static func installedProgram(_ name: String) -> String? {
        ["/usr/bin", "/bin", "/usr/local/bin"].map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    /// Runs `program arguments` in `directory` (default: the sandbox's workdir) to
    /// completion, killing it after `timeout`.
    public func runProgram(_ program: String, _ arguments: [String], in directory: String? = nil,
                           timeout: Duration = Failsafe.wait) async throws -> Outcome {
        let directory = directory ?? workdir
        let home = try makeDirectory()
        let gobDirectory = (GobProcess.executable as NSString).deletingLastPathComponent
        let path = gobDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let environment = environment(directory: directory, overrides: ["PATH": path, "TERM": "dumb", "HOME": home])
        let started = try spawn(program, [program] + arguments, environment: environment, directory: directory)
        let status = try await ChildProcess.wait(started.pid, timeout: timeout, what: "\(program) to finish")
        children.reaped(started.pid)
        return Outcome(status: status, stdout: started.stdout, stderr: started.stderr)
    }
}
