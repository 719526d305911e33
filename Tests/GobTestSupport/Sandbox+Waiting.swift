/// Waiting for what a sandbox's programs do to its files.
extension Sandbox {
    /// The directories whose changes show what a sandbox's programs do: the runtime
    /// directory (daemon log, socket, PID file, the links to the job logs), its parent,
    /// the state directory and its `logs` (where a job's output is written: a write through
    /// a link is announced in the file's own directory, not the link's), the captured
    /// outputs and the working directory.
    public var watchedDirectories: [String] {
        [paths.directory, base, stateDirectory, stateDirectory + "/logs", captures, workdir]
    }

    /// Waits until `condition` holds, checking it again after every change in
    /// `directories` (by default `watchedDirectories`); throws `WaitTimeout` naming
    /// `what` after `timeout`.
    public func waitUntil(
        _ what: @autoclosure () -> String, watching directories: [String]? = nil, timeout: Duration = Failsafe.wait,
        _ condition: () async throws -> Bool
    ) async throws {
        try await GobTestSupport.waitUntil(what(), watching: directories ?? watchedDirectories, timeout: timeout, condition)
    }

    /// Waits until `started` has printed something on stdout for which `condition` holds.
    public func waitForOutput(
        of started: Started, _ what: @autoclosure () -> String, timeout: Duration = Failsafe.wait,
        _ condition: (String) -> Bool
    ) async throws {
        try await waitUntil(what(), watching: [captures], timeout: timeout) { condition(started.stdout) }
    }

    /// Waits until the daemon log holds a line containing `text` at least `count` times.
    public func waitForDaemonLog(_ text: String, count: Int = 1, timeout: Duration = Failsafe.wait) async throws {
        try await waitUntil("\(count)× \"\(text)\" in the daemon log", watching: [paths.directory, base], timeout: timeout) {
            daemonLog.components(separatedBy: text).count - 1 >= count
        }
    }
}
