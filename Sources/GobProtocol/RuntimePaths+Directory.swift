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
        try PrivateDirectory(path: directory, noun: "runtime directory", variable: "XDG_RUNTIME_DIR")
            .open(create: create, tighten: tighten)
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
