#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wakes a follower when watched files change: inotify on Linux. Elsewhere (no inotify)
/// `descriptor` is nil and callers poll every `fallbackInterval` milliseconds.
public final class FileWatcher {
    /// A descriptor that becomes readable when a watched file changed; nil: poll instead.
    public let descriptor: Int32?
    /// How often to look when there is no descriptor.
    public static let fallbackInterval: Int32 = 50

    public init() {
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        descriptor = fd >= 0 ? fd : nil
        #else
        descriptor = nil
        #endif
    }

    deinit {
        if let descriptor { close(descriptor) }
    }

    /// Watches `path` for writes, truncation and deletion; false when it cannot (the
    /// caller then still reads it on every wake-up).
    @discardableResult
    public func watch(_ path: String) -> Bool {
        #if os(Linux)
        guard let descriptor else { return false }
        let mask = UInt32(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF)
        return inotify_add_watch(descriptor, path, mask) >= 0
        #else
        return false
        #endif
    }

    /// Empties the queue of change notices after `poll` said the descriptor is readable.
    public func drain() {
        guard let descriptor else { return }
        var buffer = [UInt8](repeating: 0, count: 16384)
        while buffer.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
    }
}
