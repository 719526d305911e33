import Glibc
import GobSystem

extension RuntimePaths {
    /// `<rt>` opened as a directory descriptor after it passed the checks of `openDirectory`.
    public struct OpenedDirectory: Sendable {
        /// `O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC`; the caller closes it.
        public let descriptor: Int32
        /// The permission bits it had when they were wider than 0700 and were tightened.
        public let tightenedFrom: mode_t?
    }

    /// Opens `<rt>` without following a symlink and checks, on the descriptor itself (so
    /// nothing can be swapped between check and use), that it is a directory owned by this
    /// user that no other user can write to. Nil when it does not exist and `create` is
    /// false.
    ///
    /// - Parameters:
    ///   - create: make it (mode 0700, parents 0755 like `mkdir -p`) when missing.
    ///   - tighten: a directory that others may read or enter but not write to (`mkdir -p`
    ///     under umask 022 gives 0755) is made 0700; without `tighten` it is accepted as it
    ///     is, since no one else can plant a file in it.
    public func openDirectory(create: Bool, tighten: Bool) throws(RuntimeDirectoryError) -> OpenedDirectory? {
        var fd = Self.openNoFollow(directory)
        if fd < 0, errno == ENOENT {
            guard create else { return nil }
            try createWithParents()
            fd = Self.openNoFollow(directory)
        }
        guard fd >= 0 else { throw unusable(errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = SystemError.last
            Descriptor.close(fd)
            throw RuntimeDirectoryError("cannot use runtime directory \(directory): \(error)")
        }
        let mode = info.st_mode & 0o777
        guard info.st_uid == getuid() else {
            Descriptor.close(fd)
            throw RuntimeDirectoryError(
                "runtime directory \(directory) is owned by uid \(info.st_uid), not by you (uid \(getuid())); remove it or set XDG_RUNTIME_DIR")
        }
        guard mode & 0o022 == 0 else {
            Descriptor.close(fd)
            throw RuntimeDirectoryError(
                "runtime directory \(directory) can be written by other users (mode \(String(mode, radix: 8))); remove it, or run: chmod 700 \(directory)")
        }
        guard tighten, mode & 0o077 != 0 else { return OpenedDirectory(descriptor: fd, tightenedFrom: nil) }
        guard fchmod(fd, 0o700) == 0 else {
            let error = SystemError.last
            Descriptor.close(fd)
            throw RuntimeDirectoryError("cannot make runtime directory \(directory) private: chmod: \(error)")
        }
        return OpenedDirectory(descriptor: fd, tightenedFrom: mode)
    }

    /// Why `<rt>` could not be opened as a directory, in words.
    private func unusable(_ code: Int32) -> RuntimeDirectoryError {
        var info = stat()
        if lstat(directory, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFLNK {
                return RuntimeDirectoryError(
                    "runtime directory \(directory) is a symbolic link; remove it or set XDG_RUNTIME_DIR")
            }
            if info.st_mode & S_IFMT != S_IFDIR {
                return RuntimeDirectoryError("runtime directory \(directory) is not a directory")
            }
        }
        return RuntimeDirectoryError("cannot use runtime directory \(directory): \(SystemError(code))")
    }

    private static func openNoFollow(_ path: String) -> Int32 {
        open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
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

    /// The path of `name` in the directory open as `descriptor`, through `/proc/self/fd`:
    /// a path that resolves through the descriptor, not through `<rt>`'s name, so a
    /// directory swapped under that name is never used. It is also short, whatever the
    /// length of `<rt>`, which a socket address needs.
    public func path(of name: String, inDirectory descriptor: Int32) -> String {
        "/proc/self/fd/\(descriptor)/\(name)"
    }
}

/// A runtime directory that cannot be used.
public struct RuntimeDirectoryError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
