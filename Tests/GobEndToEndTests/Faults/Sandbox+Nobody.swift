import Glibc
import CGobShims
import Foundation
import GobTestSupport

/// Running `gob` as another user: root can signal anything and ignores the process
/// limit, so the tests that need an ordinary user run the daemon and its clients as uid
/// 65534 (nobody).
extension Sandbox {
    /// The uid the clients run as.
    static let nobody: uid_t = 65534

    /// Runs `gob <arguments>` as uid 65534 in the sandbox, under a process limit of
    /// `processLimit` when given (the client sets none of its own: the daemon it starts,
    /// and that daemon's jobs, inherit it).
    func gobAsNobody(_ arguments: [String], processLimit: Int? = nil) async throws -> Outcome {
        var prefix = ["setpriv", "--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", GobProcess.executable]
        if let processLimit { prefix = ["prlimit", "--nproc=\(processLimit):\(processLimit)", "/usr/bin/setpriv"] + prefix.dropFirst() }
        let capture = base + "/capture-\(UInt32.random(in: 0...UInt32.max))"
        let out = open(capture + ".out", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let err = open(capture + ".err", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer { close(out); close(err) }
        var argv: [UnsafeMutablePointer<CChar>?] = (prefix + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var envp: [UnsafeMutablePointer<CChar>?] = environment(directory: workdir).map { strdup($0) } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let program = processLimit == nil ? "/usr/bin/setpriv" : "/usr/bin/prlimit"
        let rc = gob_spawn(&pid, program, &argv, &envp, workdir, -1, out, err, -1, 0)
        guard rc == 0 else { throw GobProcess.SpawnFailure(code: rc, path: program) }
        let status = try await GobProcess.wait(pid)
        return Outcome(
            status: status,
            stdout: (try? String(contentsOfFile: capture + ".out", encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: capture + ".err", encoding: .utf8)) ?? "")
    }
}
