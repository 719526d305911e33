#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CGobShims
import Foundation
import Testing

/// Runs the built `gob` executable as a user would, with a given environment and
/// directory, capturing its output in files (no pipe can fill up).
enum GobProcess {
    /// The `gob` built next to this test bundle (`swift test` builds every product).
    static let executable: String = {
        if let override = ProcessInfo.processInfo.environment["GOB_TEST_BINARY"] { return override }
        let bundle = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0])
        var directory = bundle.deletingLastPathComponent()
        // On some platforms the bundle is a directory (x.xctest/Contents/MacOS/x).
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("gob").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return bundle.deletingLastPathComponent().appendingPathComponent("gob").path
    }()

    /// Starts `gob <arguments>` in `directory` with exactly `environment`; returns its
    /// PID. Output goes to the two files.
    static func spawn(_ arguments: [String], environment: [String], directory: String,
                      stdoutPath: String, stderrPath: String) throws -> pid_t {
        let out = open(stdoutPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let err = open(stderrPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer { close(out); close(err) }
        #expect(out >= 0 && err >= 0)
        var argv: [UnsafeMutablePointer<CChar>?] = (["gob"] + arguments).map { strdup($0) }
        argv.append(nil)
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) }
        envp.append(nil)
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = gob_spawn(&pid, executable, argv, envp, directory, -1, out, err, -1, 0)
        guard rc == 0 else { throw SpawnFailure(code: rc, path: executable) }
        return pid
    }

    /// Waits for a spawned `gob` without blocking a thread; kills it after `timeout`.
    static func wait(_ pid: pid_t, timeout: Duration = .seconds(45)) async throws -> Int32 {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { throw SpawnFailure(code: errno, path: "waitpid") }
            if clock.now > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                Issue.record("gob did not finish within \(timeout)")
                return -1
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        // WIFEXITED / WEXITSTATUS, spelled out: the macros are not imported.
        if status & 0x7F == 0 { return (status >> 8) & 0xFF }
        return 128 + (status & 0x7F)
    }

    struct SpawnFailure: Error, CustomStringConvertible {
        let code: Int32
        let path: String
        var description: String { "cannot run \(path): \(String(cString: strerror(code)))" }
    }
}
