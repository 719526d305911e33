import Glibc
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
        var command = ["/usr/bin/setpriv", "--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", GobProcess.executable]
        if let processLimit { command = ["/usr/bin/prlimit", "--nproc=\(processLimit):\(processLimit)"] + command }
        return try await spawn(command[0], command + arguments, environment: environment(directory: workdir)).finish()
    }
}
