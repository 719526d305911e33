#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CGobShims
import Foundation
import Testing

/// Running other programs (shells) in a sandbox, with the built `gob` first on `PATH`, as
/// a user's shell would find it.
extension Sandbox {
    /// The absolute path of `name` in the usual system directories, if installed.
    static func installedProgram(_ name: String) -> String? {
        ["/usr/bin", "/bin", "/usr/local/bin"].map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    /// Runs `program arguments` in `directory` (default: the sandbox's workdir) to
    /// completion, killing it after `timeout`.
    func runProgram(_ program: String, _ arguments: [String], in directory: String? = nil, timeout: Duration = .seconds(30)) async throws -> Outcome {
        let directory = directory ?? workdir
        let captures = try makeDirectory()
        let stdoutPath = captures + "/out"
        let stderrPath = captures + "/err"
        let gobDirectory = (GobProcess.executable as NSString).deletingLastPathComponent
        let path = gobDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let environment = environment(directory: directory, overrides: ["PATH": path, "TERM": "dumb", "HOME": captures])
        let out = open(stdoutPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let err = open(stderrPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer { close(out); close(err) }
        var argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) }
        argv.append(nil)
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) }
        envp.append(nil)
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let rc = gob_spawn(&pid, program, argv, envp, directory, -1, out, err, -1, 0)
        guard rc == 0 else { throw GobProcess.SpawnFailure(code: rc, path: program) }
        let status = try await GobProcess.wait(pid, timeout: timeout)
        return Outcome(
            status: status,
            stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "")
    }
}
