import Glibc
import GobProtocol

/// Where runs' log files live (`<state>/logs/<job>-<n>.stdout.log`, `.stderr.log`), and
/// their removal: through the state directory's descriptor when there is one (the
/// daemon), by path otherwise (tests).
public struct LogFiles: Sendable {
    /// The directory's path.
    public let directory: String
    let state: StateDirectory?

    /// The logs of the daemon's state directory.
    public init(state: StateDirectory) {
        directory = state.paths.logs
        self.state = state
    }

    /// Logs in `directory`, reached by path.
    public init(directory: String) {
        self.directory = directory
        state = nil
    }

    /// Whether the directory is still where it was opened (always, reached by path).
    var areInPlace: Bool { state?.logsAreInPlace ?? true }

    /// The path of one of a run's logs.
    public func path(job: String, number: Int64, _ stream: RunLogs.Stream) -> String {
        directory + "/" + RunLogs.name(job: job, number: number, stream)
    }

    /// Opens a run's log, by its path, for reading: through the state directory's
    /// descriptor when the path lies in it, never following a symlink; nil when it cannot
    /// be opened.
    func openForReading(_ path: String) -> Int32? {
        let prefix = directory + "/"
        if let state, path.hasPrefix(prefix), !path.dropFirst(prefix.count).contains("/") {
            return try? state.openLog(String(path.dropFirst(prefix.count)), flags: O_RDONLY)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        return fd >= 0 ? fd : nil
    }

    /// Removes a file of the directory; true when it existed.
    @discardableResult
    func remove(_ name: String) -> Bool {
        if let state { return state.removeLog(name) }
        return unlink(directory + "/" + name) == 0
    }

    /// Removes both logs of a run; how many existed.
    @discardableResult
    func removeRun(job: String, number: Int64) -> Int {
        RunLogs.Stream.allCases.filter { remove(RunLogs.name(job: job, number: number, $0)) }.count
    }

    /// The names of the files in the directory.
    func names() -> [String] {
        if let state { return state.logNames() }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        return DirectoryListing.names(in: fd)
    }

    /// Removes every log of the jobs `ids` (one look at the directory for all of them);
    /// how many files went.
    func removeAll(ofJobs ids: Set<String>) -> Int {
        guard !ids.isEmpty else { return 0 }
        var removed = 0
        for name in names() {
            guard let run = RunLogs.run(ofLogFile: name), ids.contains(run.job) else { continue }
            if remove(name) { removed += 1 }
        }
        return removed
    }
}
