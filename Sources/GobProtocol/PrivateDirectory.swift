import Glibc
import GobSystem

/// A directory only its user may write to — the runtime directory, the state directory —
/// opened without following a symlink and checked on the descriptor itself, so nothing
/// can be swapped between check and use.
public struct PrivateDirectory: Sendable {
    public let path: String
    /// What errors call it: `runtime directory`.
    let noun: String
    /// The environment variable that moves it, named in errors.
    let variable: String

    public init(path: String, noun: String, variable: String) {
        self.path = path
        self.noun = noun
        self.variable = variable
    }

    /// Opens the directory and checks that it belongs to this user and that no other user
    /// can write to it. Nil when it does not exist and `create` is false.
    ///
    /// - Parameters:
    ///   - create: make it (mode 0700, parents 0755 like `mkdir -p`) when missing.
    ///   - tighten: a directory that others may read or enter but not write to (`mkdir -p`
    ///     under umask 022 gives 0755) is made 0700; without `tighten` it is accepted as it
    ///     is, since no one else can plant a file in it.
    public func open(create: Bool, tighten: Bool) throws(RuntimeDirectoryError) -> RuntimePaths.OpenedDirectory? {
        var fd = Self.openNoFollow(path)
        if fd < 0, errno == ENOENT {
            guard create else { return nil }
            try createWithParents()
            fd = Self.openNoFollow(path)
        }
        guard fd >= 0 else { throw unusable(errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = SystemError.last
            Descriptor.close(fd)
            throw RuntimeDirectoryError("cannot use \(noun) \(path): \(error)")
        }
        let mode = info.st_mode & 0o777
        guard info.st_uid == getuid() else {
            Descriptor.close(fd)
            throw RuntimeDirectoryError(
                "\(noun) \(path) is owned by uid \(info.st_uid), not by you (uid \(getuid())); remove it or set \(variable)")
        }
        guard mode & 0o022 == 0 else {
            Descriptor.close(fd)
            throw RuntimeDirectoryError(
                "\(noun) \(path) can be written by other users (mode \(String(mode, radix: 8))); remove it, or run: chmod 700 \(path)")
        }
        guard tighten, mode & 0o077 != 0 else { return RuntimePaths.OpenedDirectory(descriptor: fd, tightenedFrom: nil) }
        guard fchmod(fd, 0o700) == 0 else {
            let error = SystemError.last
            Descriptor.close(fd)
            throw RuntimeDirectoryError("cannot make \(noun) \(path) private: chmod: \(error)")
        }
        return RuntimePaths.OpenedDirectory(descriptor: fd, tightenedFrom: mode)
    }

    /// Why the directory could not be opened as a directory, in words.
    private func unusable(_ code: Int32) -> RuntimeDirectoryError {
        var info = stat()
        if lstat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFLNK {
                return RuntimeDirectoryError("\(noun) \(path) is a symbolic link; remove it or set \(variable)")
            }
            if info.st_mode & S_IFMT != S_IFDIR {
                return RuntimeDirectoryError("\(noun) \(path) is not a directory")
            }
        }
        return RuntimeDirectoryError("cannot use \(noun) \(path): \(SystemError(code))")
    }

    private static func openNoFollow(_ path: String) -> Int32 {
        Glibc.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    }

    private func createWithParents() throws(RuntimeDirectoryError) {
        var prefix = ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        for (n, part) in parts.enumerated() {
            prefix += "/" + part
            let isLast = n == parts.count - 1
            // Parents get the usual 0755 like `mkdir -p`; only the directory itself is private.
            if mkdir(prefix, isLast ? 0o700 : 0o755) != 0, errno != EEXIST {
                throw RuntimeDirectoryError("failed to create \(noun): mkdir \(prefix): \(SystemError.last)")
            }
        }
    }
}
