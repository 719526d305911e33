import Glibc
import GobProtocol

/// Where the daemon keeps what outlives it: `<state>` is `$XDG_STATE_HOME/gob`, else
/// `~/.local/state/gob`. It holds the database (`state.db`), the lock that lets one daemon
/// at a time use it (`state.lock`), and every run's logs (`logs/`).
public struct StatePaths: Sendable, Equatable {
    /// `<state>`.
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// The state directory for this process's environment and user: `XDG_STATE_HOME` when
    /// it is an absolute path (a relative one is ignored, as the XDG specification asks),
    /// else `$HOME/.local/state`, else the home directory in the user database; nil when
    /// there is none of these.
    public static func current(
        xdgStateHome: String? = environmentValue("XDG_STATE_HOME"), home: String? = environmentValue("HOME")
    ) -> StatePaths? {
        if let base = xdgStateHome, base.hasPrefix("/") { return StatePaths(directory: joined(base, "gob")) }
        guard let home = home.flatMap({ $0.hasPrefix("/") ? $0 : nil }) ?? userHome() else { return nil }
        return StatePaths(directory: joined(joined(home, ".local/state"), "gob"))
    }

    private static func joined(_ base: String, _ name: String) -> String {
        base.hasSuffix("/") ? base + name : base + "/" + name
    }

    /// The home directory the user database gives this user.
    private static func userHome() -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(getuid(), &entry, &buffer, buffer.count, &result) == 0, result != nil,
              let directory = entry.pw_dir
        else { return nil }
        let home = String(cString: directory)
        return home.hasPrefix("/") ? home : nil
    }

    public var database: String { directory + "/state.db" }
    public var lockFile: String { directory + "/state.lock" }
    /// Every run's output: `<job>-<n>.stdout.log`, `<job>-<n>.stderr.log`.
    public var logs: String { directory + "/logs" }

    public func log(_ name: String) -> String { logs + "/" + name }
}

/// The names of a run's log files in `<state>/logs`.
public enum RunLogs {
    public enum Stream: String, Sendable, CaseIterable {
        case stdout, stderr
    }

    /// `k3v-12.stdout.log`.
    public static func name(job: String, number: Int64, _ stream: Stream) -> String {
        "\(RunID.make(job: job, number: number)).\(stream.rawValue).log"
    }

    /// The job and run a file name in `<state>/logs` is a log of, if it is one.
    public static func run(ofLogFile name: String) -> (job: String, number: Int64)? {
        for stream in Stream.allCases where name.hasSuffix(".\(stream.rawValue).log") {
            return RunID.parse(String(name.dropLast(stream.rawValue.count + 5)))
        }
        return nil
    }
}
