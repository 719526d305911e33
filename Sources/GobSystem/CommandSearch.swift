import Glibc

/// Finds a program in a `PATH`-style list of directories, as a shell would.
public enum CommandSearch {
    /// The first executable `name` in the directories of `path` (empty entries are
    /// skipped); nil when there is none.
    public static func find(_ name: String, in path: String) -> String? {
        for directory in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
