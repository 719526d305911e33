import Glibc
import Foundation

/// Runs the built `gob` executable as a user would, with a given environment and
/// directory, capturing its output in files.
public enum GobProcess {
    public typealias SpawnFailure = GobTestSupport.SpawnFailure

    /// Whether another user (the tests that run gob as `nobody`) can run the built `gob`:
    /// every directory on its path searchable by others, the file executable by them. A
    /// checkout under a private directory (`mktemp -d`) is not.
    public static var othersCanRun: Bool {
        var path = executable
        while !path.isEmpty && path != "/" {
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & 0o001 != 0 else { return false }
            path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        }
        return true
    }

    /// The `gob` built next to this test bundle (`swift test` builds every product), or
    /// `GOB_TEST_BINARY` (with its `gob-daemon` beside it).
    public static let executable: String = {
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
    public static func spawn(_ arguments: [String], environment: [String], directory: String,
                             stdoutPath: String, stderrPath: String) throws -> pid_t {
        try ChildProcess.spawn(
            executable, ["gob"] + arguments, environment: environment, directory: directory,
            stdout: stdoutPath, stderr: stderrPath)
    }

    /// Waits for a spawned `gob` without holding a thread; kills it after `timeout`.
    public static func wait(_ pid: pid_t, timeout: Duration = Failsafe.wait) async throws -> Int32 {
        try await ChildProcess.wait(pid, timeout: timeout, what: "gob to finish")
    }
}
