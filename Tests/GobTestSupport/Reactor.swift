import Glibc
import GobProtocol
import GobSystem
import Synchronization

/// One thread that sleeps in poll(2) on every descriptor, file change and deadline the
/// tests wait for, and resumes each waiter when its event comes.
///
/// Waiting this way holds none of the few threads every async test shares, and ends the
/// moment the event happens instead of at the next turn of a polling loop. File changes
/// come from one inotify instance for the whole test process: instances are limited per
/// user (128 by default), and every daemon and follower under test needs its own.
final class Reactor: Sendable {
    static let shared = Reactor()

    /// What a waiter waits for.
    enum Event: Sendable {
        /// The descriptor reports one of `events`; hang-ups and errors always count.
        case descriptor(Int32, events: Int16)
        /// The file watch with this ID saw a change.
        case change(UInt64)
    }

    private struct Waiter {
        var event: Event
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var nextID: UInt64 = 1
        var waiters: [UInt64: Waiter] = [:]
        /// Waits cancelled before they were registered.
        var cancelled: Set<UInt64> = []
        /// File watches with a change that no `next` has taken yet.
        var changed: Set<UInt64> = []
        /// inotify watch descriptor → the file watches that use it.
        var users: [Int32: Set<UInt64>] = [:]
    }

    private let state = Mutex(State())
    private let wakeRead: Int32
    private let wakeWrite: Int32
    /// The inotify instance, or -1 when none could be had (file waits then re-check on a
    /// short timer; see `FileWatch`).
    let inotify: Int32

    /// What inotify reports for a watched directory: anything that may change a file in it.
    static let changeMask = UInt32(
        IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
            | IN_DELETE_SELF | IN_MOVE_SELF)

    private init() {
        var fds: [Int32] = [-1, -1]
        // A wake-up pipe makes the thread notice new waiters and nearer deadlines. Should
        // it fail, waits still end at their deadlines, so nothing can hang on it.
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            }
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        inotify = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        DetachedThread.start { [self] in run() }
    }

    /// A fresh identifier for a waiter or a file watch.
    func makeID() -> UInt64 {
        state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// Waits until `fd` reports one of `events` (or hangs up, or fails): true; false when
    /// `deadline` passes or the task is cancelled first.
    func wait(for fd: Int32, events: Int16 = Int16(POLLIN), until deadline: ContinuousClock.Instant) async -> Bool {
        await wait(.descriptor(fd, events: events), until: deadline)
    }

    /// Waits for the next change seen by file watch `watch` since the last call: true;
    /// false when `deadline` passes or the task is cancelled first.
    func nextChange(of watch: UInt64, until deadline: ContinuousClock.Instant) async -> Bool {
        let pending = state.withLock { $0.changed.remove(watch) != nil }
        if pending { return true }
        return await wait(.change(watch), until: deadline)
    }

    private func wait(_ event: Event, until deadline: ContinuousClock.Instant) async -> Bool {
        let id = makeID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                enum Registration { case waiting, cancelled, changedMeanwhile }
                let registration = state.withLock { state -> Registration in
                    if state.cancelled.remove(id) != nil { return .cancelled }
                    if case let .change(watch) = event, state.changed.remove(watch) != nil { return .changedMeanwhile }
                    state.waiters[id] = Waiter(event: event, deadline: deadline, continuation: continuation)
                    return .waiting
                }
                switch registration {
                case .waiting: wake()
                case .cancelled: continuation.resume(returning: false)
                case .changedMeanwhile: continuation.resume(returning: true)
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                state.cancelled.insert(id)
                return nil
            }
            waiter?.continuation.resume(returning: false)
        }
    }

    // MARK: inotify bookkeeping for FileWatch

    /// Adds (or refreshes) an inotify watch on `directory` for file watch `watch`; the
    /// watch descriptor, or nil when the directory cannot be watched.
    func addWatch(_ directory: String, for watch: UInt64) -> Int32? {
        guard inotify >= 0 else { return nil }
        let wd = inotify_add_watch(inotify, directory, Self.changeMask)
        guard wd >= 0 else { return nil }
        state.withLock { _ = $0.users[wd, default: []].insert(watch) }
        return wd
    }

    /// Drops file watch `watch` from the watch descriptors `wds`, removing those nobody
    /// else uses.
    func removeWatch(_ watch: UInt64, from wds: Set<Int32>) {
        state.withLock { state in
            state.changed.remove(watch)
            for wd in wds {
                guard var users = state.users[wd] else { continue }
                users.remove(watch)
                if users.isEmpty {
                    state.users[wd] = nil
                    _ = inotify_rm_watch(inotify, wd)
                } else {
                    state.users[wd] = users
                }
            }
        }
    }

    // MARK: The thread

    private func wake() {
        guard wakeWrite >= 0 else { return }
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWrite, &byte, 1)
    }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let clock = ContinuousClock()
            // The descriptors to poll: the wake-up pipe, inotify, then every waiter's.
            let (pollers, ids, nearest) = state.withLock { state -> ([pollfd], [UInt64], ContinuousClock.Instant?) in
                var pollers = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)]
                var ids: [UInt64] = [0, 0]
                var nearest: ContinuousClock.Instant?
                for (id, waiter) in state.waiters {
                    if case let .descriptor(fd, events) = waiter.event {
                        pollers.append(pollfd(fd: fd, events: events, revents: 0))
                        ids.append(id)
                    }
                    nearest = min(nearest ?? waiter.deadline, waiter.deadline)
                }
                return (pollers, ids, nearest)
            }
            var polled = pollers
            var timeout: Int32 = -1
            if let nearest {
                let left = nearest - clock.now
                let milliseconds = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
                timeout = Int32(clamping: max(0, milliseconds + 1))
            }
            let ready = poll(&polled, nfds_t(polled.count), timeout)
            if ready < 0 && errno != EINTR {
                // Cannot happen with valid arguments; a bad waiter descriptor shows as
                // POLLNVAL instead. Avoid spinning all the same.
                usleep(1000)
            }
            if polled[0].revents != 0 {
                while buffer.withUnsafeMutableBytes({ Glibc.read(wakeRead, $0.baseAddress, $0.count) }) > 0 {}
            }
            var changedWatches: Set<UInt64> = []
            var everyWatch = false
            if polled[1].revents != 0 {
                (changedWatches, everyWatch) = readChanges(into: &buffer)
            }
            let now = clock.now
            let resumed = state.withLock { state -> [(CheckedContinuation<Bool, Never>, Bool)] in
                if everyWatch { changedWatches.formUnion(state.users.values.joined()) }
                var resumed: [(CheckedContinuation<Bool, Never>, Bool)] = []
                for index in 2..<polled.count where polled[index].revents != 0 {
                    if let waiter = state.waiters.removeValue(forKey: ids[index]) {
                        resumed.append((waiter.continuation, true))
                    }
                }
                for watch in changedWatches {
                    if let id = state.waiters.first(where: { if case .change(watch) = $0.value.event { true } else { false } })?.key,
                       let waiter = state.waiters.removeValue(forKey: id) {
                        resumed.append((waiter.continuation, true))
                    } else {
                        state.changed.insert(watch)
                    }
                }
                for (id, waiter) in state.waiters where waiter.deadline <= now {
                    state.waiters[id] = nil
                    resumed.append((waiter.continuation, false))
                }
                return resumed
            }
            for (continuation, value) in resumed { continuation.resume(returning: value) }
        }
    }

    /// Reads the pending inotify events; the file watches they concern, and whether every
    /// watch must look again (the kernel's queue overflowed).
    private func readChanges(into buffer: inout [UInt8]) -> (Set<UInt64>, Bool) {
        var watches: Set<UInt64> = []
        var overflow = false
        let header = MemoryLayout<inotify_event>.size
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(inotify, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            while offset + header <= count {
                let (wd, mask, length) = buffer.withUnsafeBytes { raw in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, event.mask, Int(event.len))
                }
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { overflow = true }
                let users = state.withLock { state -> Set<UInt64> in
                    let users = state.users[wd] ?? []
                    // The kernel dropped this watch (its directory is gone): forget it, so
                    // a directory made again under that name is watched anew.
                    if mask & UInt32(IN_IGNORED) != 0 { state.users[wd] = nil }
                    return users
                }
                watches.formUnion(users)
                offset += header + length
            }
        }
        return (watches, overflow)
    }
}
