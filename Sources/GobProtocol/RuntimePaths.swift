import Glibc

/// Where a user's daemon keeps its socket, PID file, lock, log and job logs
/// (docs/files.md).
public struct RuntimePaths: Sendable, Equatable {
    /// `<rt>`: `$XDG_RUNTIME_DIR/gob`, else `/tmp/gob-<uid>`.
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// The runtime directory for this process's environment and user. A relative
    /// `XDG_RUNTIME_DIR` is ignored, as the XDG specification asks: it would name a
    /// different directory for every working directory (and for the daemon, which runs
    /// in `/`).
    public static func current(xdgRuntimeDir: String? = environmentValue("XDG_RUNTIME_DIR")) -> RuntimePaths {
        if let base = xdgRuntimeDir, base.hasPrefix("/") {
            return RuntimePaths(directory: base.hasSuffix("/") ? base + "gob" : base + "/gob")
        }
        return RuntimePaths(directory: "/tmp/gob-\(getuid())")
    }

    public var socket: String { directory + "/daemon.sock" }
    public var pidFile: String { directory + "/daemon.pid" }
    public var lockFile: String { directory + "/daemon.lock" }
    public var daemonLog: String { directory + "/daemon.log" }
    /// The record of live job process groups, for cleaning up after a daemon that died.
    public var jobRecord: String { directory + "/daemon.jobs" }

    public func stdoutLog(_ id: String) -> String { logPath(id, ".stdout.log") }
    public func stderrLog(_ id: String) -> String { logPath(id, ".stderr.log") }

    /// `<rt>/<id><suffix>`, assembled as bytes: a daemon reading a thousand jobs back
    /// makes two thousand of these, and appending `String`s took several times longer.
    private func logPath(_ id: String, _ suffix: String) -> String {
        let count = directory.utf8.count + id.utf8.count + suffix.utf8.count + 1
        // Written straight into the string's own storage: one allocation, no array.
        return String(unsafeUninitializedCapacity: count) { buffer in
            var end = buffer.initialize(fromContentsOf: directory.utf8)
            buffer[end] = UInt8(ascii: "/")
            end += 1
            end = buffer[end...].initialize(fromContentsOf: id.utf8)
            return buffer[end...].initialize(fromContentsOf: suffix.utf8)
        }
    }

    /// The job ID a file name in `<rt>` is a log of, if it is one.
    public static func jobID(ofLogFile name: String) -> String? {
        for suffix in [".stdout.log", ".stderr.log"] where name.hasSuffix(suffix) {
            let id = String(name.dropLast(suffix.count))
            return JobID.decode(id) == nil ? nil : id
        }
        return nil
    }
}

/// The value of an environment variable, without Foundation.
public func environmentValue(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}
