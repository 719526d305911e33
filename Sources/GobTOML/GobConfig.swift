import Glibc
import GobProject
import GobProtocol
import TOMLKit

/// The user's settings for the daemon: `$XDG_CONFIG_HOME/gob/config.toml` (else
/// `~/.config/gob/config.toml`), read once when the daemon starts. An absent file means
/// the defaults. A file that cannot be used — not TOML, a key gob does not know, a value
/// of the wrong type or out of range — is refused whole with the first fault (file, line,
/// why, as gobfile faults are told), and the daemon does not start: running with limits
/// other than the ones written would silently delete logs the user meant to keep.
///
/// ```toml
/// [logs]
/// keep_runs = 10         # the newest runs of each job that keep their logs
/// max_total = "2GiB"     # all logs together
/// max_stream = "256MiB"  # one stream (stdout or stderr) of one run
/// ```
public struct GobConfig: Sendable, Equatable {
    public var logs: LogLimits

    public init(logs: LogLimits = LogLimits()) { self.logs = logs }

    /// The keys of the `[logs]` table.
    static let logKeys = ["keep_runs", "max_total", "max_stream"]

    /// The configuration file for this environment: `XDG_CONFIG_HOME` when it is an
    /// absolute path (a relative one is ignored, as the XDG specification asks), else
    /// `$HOME/.config`; nil when there is neither.
    public static func path(
        xdgConfigHome: String? = environmentValue("XDG_CONFIG_HOME"), home: String? = environmentValue("HOME")
    ) -> String? {
        if let base = xdgConfigHome, base.hasPrefix("/") { return joined(base, "gob/config.toml") }
        guard let home, home.hasPrefix("/") else { return nil }
        return joined(home, ".config/gob/config.toml")
    }

    private static func joined(_ base: String, _ name: String) -> String {
        base.hasSuffix("/") ? base + name : base + "/" + name
    }

    /// Reads the file at `path`: the defaults when there is no file (or no path).
    public static func load(path: String?) throws(GobfileError) -> GobConfig {
        guard let path else { return GobConfig() }
        var info = stat()
        if stat(path, &info) != 0 && errno == ENOENT { return GobConfig() }
        let contents = try GobfileReader.read(OSString(path))
        return try GobConfig(text: contents.bytes, path: path)
    }

    /// Parses `bytes`, the contents of the file at `path`.
    public init(text bytes: [UInt8], path: String) throws(GobfileError) {
        logs = LogLimits()
        let (root, text) = try Gobfile.table(of: bytes, path: path)
        let lines = GobfileLines(text: text)
        for key in root.keys.sorted() where key != "logs" {
            throw GobfileError(
                path: path, line: lines.firstLine(ofKey: key) ?? 1,
                message: "unknown key \"\(key)\" (gob knows the table [logs])")
        }
        guard let value = root["logs"] else { return }
        guard let table = value.table else {
            throw GobfileError(path: path, line: lines.firstLine(ofKey: "logs"), message: "\"logs\" must be a table ([logs])")
        }
        let place = Place(path: path, lines: lines)
        for key in table.keys.sorted() where !Self.logKeys.contains(key) {
            throw place.error(key, "unknown key \"\(key)\" in [logs] (gob knows \(Self.logKeys.joined(separator: ", ")))")
        }
        if let runs = table["keep_runs"] {
            guard let count = runs.int else { throw place.error("keep_runs", "\"keep_runs\" must be a whole number") }
            guard (1...LogLimits.mostRuns).contains(Int64(count)) else {
                throw place.error("keep_runs", "\"keep_runs\" must be between 1 and \(LogLimits.mostRuns), not \(count)")
            }
            logs.runsPerJob = Int64(count)
        }
        if let size = try place.size(table, "max_total") { logs.totalBytes = size }
        if let size = try place.size(table, "max_stream") { logs.streamBytes = size }
    }

    /// Where the `[logs]` table's faults are reported.
    private struct Place {
        let path: String
        let lines: GobfileLines

        func error(_ key: String, _ message: String) -> GobfileError {
            GobfileError(path: path, line: lines.line(ofKey: key, inTable: "logs"), message: message)
        }

        /// A size: a whole number of bytes, or a string such as "256MiB".
        func size(_ table: TOMLTable, _ key: String) throws(GobfileError) -> Int64? {
            guard let value = table[key] else { return nil }
            let bytes: Int64
            if let number = value.int {
                bytes = Int64(number)
            } else if let text = value.string {
                guard let parsed = SizeSyntax.bytes(text) else {
                    throw error(key, "invalid \(key) \"\(text)\": expected a size such as \"512KiB\", \"256MiB\" or \"2GiB\"")
                }
                bytes = parsed
            } else {
                throw error(key, "\"\(key)\" must be a size such as \"256MiB\", or a number of bytes")
            }
            guard (LogLimits.smallestSize...LogLimits.largestSize).contains(bytes) else {
                throw error(key, "\"\(key)\" must be between 16KiB and 1PiB, not \(SizeSyntax.text(bytes))")
            }
            return bytes
        }
    }
}
