#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RuntimePaths {
    /// Creates `<rt>` (with parents, mode 0700) when missing, and refuses one that another
    /// user owns or that grants any group/other permission (Decision D11). The message is
    /// the whole error text.
    public func ensureDirectory() throws(RuntimeDirectoryError) {
        var info = stat()
        if stat(directory, &info) != 0 {
            guard errno == ENOENT else {
                throw RuntimeDirectoryError("failed to create runtime directory: stat \(directory): \(SystemError.last)")
            }
            try createWithParents()
            guard stat(directory, &info) == 0 else {
                throw RuntimeDirectoryError("failed to create runtime directory: stat \(directory): \(SystemError.last)")
            }
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw RuntimeDirectoryError("runtime directory \(directory) is not a directory")
        }
        let mode = info.st_mode & 0o777
        guard info.st_uid == getuid() else {
            throw RuntimeDirectoryError(
                "runtime directory \(directory) is owned by uid \(info.st_uid), not by you (uid \(getuid())); remove it or set XDG_RUNTIME_DIR")
        }
        guard mode & 0o077 == 0 else {
            throw RuntimeDirectoryError(
                "runtime directory \(directory) is accessible to other users (mode \(String(mode, radix: 8))); run: chmod 700 \(directory)")
        }
    }

    private func createWithParents() throws(RuntimeDirectoryError) {
        var prefix = ""
        let parts = directory.split(separator: "/", omittingEmptySubsequences: true)
        for (n, part) in parts.enumerated() {
            prefix += "/" + part
            let isLast = n == parts.count - 1
            // Parents get the usual 0755 like `mkdir -p`; only <rt> itself is private.
            if mkdir(prefix, isLast ? 0o700 : 0o755) != 0, errno != EEXIST {
                throw RuntimeDirectoryError("failed to create runtime directory: mkdir \(prefix): \(SystemError.last)")
            }
        }
    }
}

/// A runtime directory that cannot be used.
public struct RuntimeDirectoryError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
