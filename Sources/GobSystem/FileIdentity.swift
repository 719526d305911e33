import SystemPackage

/// Device and inode of a file: which file a name or a descriptor stands for right now,
/// so that a file deleted, replaced or hidden by a mount under a process is noticed.
/// Read through swift-system's `Stat`.
public struct FileIdentity: Equatable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    private init(_ stat: Stat) {
        device = UInt64(stat.deviceID.rawValue)
        inode = UInt64(stat.inode.rawValue)
    }

    /// The file open as `fd`; nil when `fstat` fails.
    public init?(descriptor fd: Int32) {
        guard let stat = try? FileDescriptor(rawValue: fd).stat() else { return nil }
        self.init(stat)
    }

    /// The file `name` names in the directory open as `directory` (a symlink itself,
    /// never its target); nil when there is none.
    public init?(name: String, inDirectory directory: Int32) {
        guard let stat = try? Stat(FilePath(name), relativeTo: FileDescriptor(rawValue: directory), flags: .symlinkNoFollow)
        else { return nil }
        self.init(stat)
    }

    /// The file `path` names (a symlink itself, never its target); nil when there is none.
    public init?(path: String) {
        guard let stat = try? Stat(FilePath(path), followTargetSymlink: false) else { return nil }
        self.init(stat)
    }
}
