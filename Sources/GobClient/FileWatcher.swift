import Glibc
import GobSystem

/// Wakes a follower when watched files change, through inotify. When no inotify
/// instance can be had (the user's limit is reached), `descriptor` is nil and callers
/// poll every `fallbackInterval` milliseconds.
public final class FileWatcher {
    /// A descriptor that becomes readable when a watched file changed; nil: poll instead.
    public let descriptor: Int32?
    /// How often to look when there is no descriptor.
    public static let fallbackInterval: Int32 = 50

    public init() {
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        descriptor = fd >= 0 ? fd : nil
    }

    deinit {
        if let descriptor { Descriptor.close(descriptor) }
    }

    /// Watches `path` for writes, truncation and deletion; false when it cannot (the
    /// caller then still reads it on every wake-up).
    @discardableResult
    public func watch(_ path: String) -> Bool {
        guard let descriptor else { return false }
        let mask = UInt32(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF)
        return inotify_add_watch(descriptor, path, mask) >= 0
    }

    /// Empties the queue of change notices after `poll` said the descriptor is readable.
    public func drain() {
        guard let descriptor else { return }
        Descriptor.drain(descriptor)
    }
}
