import Glibc
import GobProtocol

/// Finds the gobfile that governs a directory: `.config/gobfile.toml` in the directory
/// itself or the nearest parent that has one, looking no higher than the repository
/// root (the directory holding `.git`) or `$HOME`, whichever comes first. The daemon asks
/// it for every job it starts (is the command blocked here?), and the commands for their
/// working directory, so both always agree on which file applies.
public enum GobfileLocator {
    /// A found gobfile: the file and the project root, the directory holding `.config`.
    public struct Location: Sendable, Equatable, Hashable {
        public let file: OSString
        public let root: OSString

        public init(file: OSString, root: OSString) {
            self.file = file
            self.root = root
        }
    }

    /// The gobfile's place below its project root.
    public static let relativePath = ".config/gobfile.toml"

    /// The gobfile for `directory` (an absolute path), or nil when there is none. A
    /// candidate that exists but cannot be examined (no permission) counts as found, so
    /// the caller reports it instead of skipping a file that may block commands.
    public static func locate(from directory: OSString, home: OSString?) -> Location? {
        var current = normalized(directory)
        let home = home.map(normalized)
        while true {
            let candidate = join(current, relativePath)
            switch examine(candidate) {
            case .present: return Location(file: candidate, root: current)
            case .absent: break
            }
            if current == home || exists(join(current, ".git")) { return nil }
            guard let parent = parent(of: current) else { return nil }
            current = parent
        }
    }

    /// `$HOME`, as the search's upper bound; nil when unset or not absolute.
    public static func homeDirectory() -> OSString? {
        guard let home = OSString.environmentValue("HOME"), home.isAbsolutePath else { return nil }
        return home
    }

    private enum Presence { case present, absent }

    private static func examine(_ path: OSString) -> Presence {
        var info = stat()
        if path.withCString({ stat($0, &info) }) == 0 { return .present }
        // Missing, or a path through a non-directory: nothing here. Anything else (no
        // permission, a loop of links) is reported by the reading.
        return errno == ENOENT || errno == ENOTDIR ? .absent : .present
    }

    private static func exists(_ path: OSString) -> Bool {
        var info = stat()
        return path.withCString { lstat($0, &info) } == 0
    }

    /// `path` without trailing slashes, `.` components or repeated slashes; `/` stays.
    public static func normalized(_ path: OSString) -> OSString {
        var parts: [ArraySlice<UInt8>] = []
        for part in path.bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        where !(part.count == 1 && part.first == UInt8(ascii: ".")) {
            parts.append(part)
        }
        var bytes: [UInt8] = []
        for part in parts {
            bytes.append(UInt8(ascii: "/"))
            bytes.append(contentsOf: part)
        }
        return OSString(bytes: bytes.isEmpty ? [UInt8(ascii: "/")] : bytes)
    }

    /// The directory above `path` (normalized), or nil at `/`. `..` is left to the OS: a
    /// logical path keeps its symlinked parents, as the shell shows them.
    static func parent(of path: OSString) -> OSString? {
        guard path.bytes.count > 1, let slash = path.bytes.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        return OSString(bytes: slash == 0 ? [UInt8(ascii: "/")] : Array(path.bytes[..<slash]))
    }

    public static func join(_ directory: OSString, _ name: String) -> OSString {
        var bytes = directory.bytes
        if bytes.last != UInt8(ascii: "/") { bytes.append(UInt8(ascii: "/")) }
        bytes.append(contentsOf: name.utf8)
        return OSString(bytes: bytes)
    }

    /// Whether `path` is `root` or lies below it (both normalized).
    public static func isWithin(_ path: OSString, root: OSString) -> Bool {
        let path = normalized(path)
        let root = normalized(root)
        if path == root || root.bytes == [UInt8(ascii: "/")] { return true }
        return path.bytes.count > root.bytes.count && path.bytes.starts(with: root.bytes)
            && path.bytes[root.bytes.count] == UInt8(ascii: "/")
    }
}
