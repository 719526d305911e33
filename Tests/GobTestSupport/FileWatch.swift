import Glibc
import Synchronization

/// Wakes a waiter when anything changes in a set of directories, so a test re-checks a
/// condition on files (a log line, a socket, a captured output) exactly when they change.
///
/// A directory that does not exist yet is stood in for by its parent until it appears;
/// `refresh` re-adds every watch, which also follows a directory deleted and made again.
public final class FileWatch: Sendable {
    private let id: UInt64
    private let directories: [String]
    private let descriptors = Mutex<Set<Int32>>([])

    /// Starts watching `directories` (and, for each missing one, its parent); changes
    /// from this moment on are seen by `next`.
    public init(_ directories: [String]) {
        id = Reactor.shared.makeID()
        self.directories = directories
        refresh()
    }

    /// Adds the watches again: a directory removed and made again is a new one.
    public func refresh() {
        var added: Set<Int32> = []
        for directory in directories {
            if let wd = Reactor.shared.addWatch(directory, for: id) {
                added.insert(wd)
            } else if let parent = Self.parent(of: directory), let wd = Reactor.shared.addWatch(parent, for: id) {
                added.insert(wd)
            }
        }
        descriptors.withLock { $0.formUnion(added) }
    }

    /// Waits for the next change since the last call (or since the watch began): true;
    /// false when `deadline` passes first.
    public func next(until deadline: ContinuousClock.Instant) async -> Bool {
        guard Reactor.shared.inotify >= 0 else {
            // No inotify instance left for this user (other test runs and daemons hold
            // them): look again after a short pause instead, which only costs promptness.
            let clock = ContinuousClock()
            try? await Task.sleep(until: min(deadline, clock.now + .milliseconds(50)), clock: clock)
            return clock.now < deadline
        }
        return await Reactor.shared.nextChange(of: id, until: deadline)
    }

    deinit {
        Reactor.shared.removeWatch(id, from: descriptors.withLock { $0 })
    }

    private static func parent(of path: String) -> String? {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return nil }
        return String(path[..<slash])
    }
}
