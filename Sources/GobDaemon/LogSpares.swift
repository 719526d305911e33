import Glibc
import GobSystem

/// Empty files made ahead of time in `<state>/logs`, so that a start renames two of them
/// to its run's log names instead of creating the files. Creating a file allocates an
/// inode, the costliest step of an `add` after the job's own exec on ext4 (and far
/// costlier on ext4 without a journal, whose allocator steps over every recently deleted
/// inode); a rename allocates nothing. A thread of its own makes the next spares once the
/// start that took some has replied (`replenish`), outside every request. A log name that
/// exists already is left to the start, which opens it as it always did.
///
/// Spares are named `spare-<token>-<n>.log`, which no run's log name can be; the token is
/// this daemon's, so the thread's first act is to delete those of an earlier daemon (one
/// that ended, or the image before an in-place restart). At most `kept` wait at any time;
/// when none is ready (a burst of starts, a full disk), a start creates its files itself.
final class LogSpares: Sendable {
    static let prefix = "spare-"
    /// The thread's `nice` value.
    static let niceness: Int32 = 19

    private struct State {
        /// Names of the spares ready to take, oldest first.
        var ready: [String] = []
        /// The number the next spare is named with.
        var next = 0
        /// Whether the thread that makes spares is running.
        var threadStarted = false
        /// Making the last spare failed: wait for the next take before trying again.
        var failed = false
        var closed = false
    }

    private let directory: StateDirectory
    private let kept: Int
    private let token: String
    private let state = ConditionLock(State())

    init(directory: StateDirectory, kept: Int = 4) {
        self.directory = directory
        self.kept = kept
        var generator = SystemRandomNumberGenerator()
        token = String(generator.next() as UInt64, radix: 16)
    }

    /// Whether `name` is a spare's name (this daemon's or an earlier one's).
    static func isSpare(_ name: String) -> Bool {
        name.hasPrefix(prefix) && name.hasSuffix(".log")
    }

    /// Puts a spare in the place of the log `name` and opens it as `StateDirectory.openLog`
    /// would have opened a new file; nil when no spare was ready or it could not be used,
    /// and the caller creates the file. The thread is not woken: `replenish` does that.
    func take(as name: String, flags: Int32, mode: mode_t) -> Int32? {
        let spare = state.withLock { state -> String? in
            state.failed = false
            return state.ready.isEmpty ? nil : state.ready.removeFirst()
        }
        guard let spare else { return nil }
        // Never over something that has the name (a run's log left by a start that was
        // never recorded, a FIFO, a symlink): that is opened as before, by the caller. The
        // open that follows the rename finds an empty file, and its `O_TRUNC` gives it this
        // moment's times.
        switch directory.renameLogKeepingExisting(spare, to: name) {
        case 0:
            return try? directory.openLog(name, flags: flags, mode: mode)
        case EEXIST:
            // Kept for the next start, unless the thread has made another in its place.
            let kept = state.withLock { state -> Bool in
                guard state.ready.count < self.kept, !state.closed else { return false }
                state.ready.insert(spare, at: 0)
                return true
            }
            if !kept { directory.removeLog(spare) }
            return nil
        default:
            directory.removeLog(spare)
            return nil
        }
    }

    /// Has the thread make the spares taken since (starting it on first use): called once
    /// the start that took them has replied.
    func replenish() {
        // The broadcast wakes the thread when it runs (and costs nothing when none waits).
        let start = state.withLockBroadcasting { state -> Bool in
            guard !state.closed, state.ready.count < kept, !state.threadStarted else { return false }
            state.threadStarted = true
            return true
        }
        if start && !DetachedThread.start(stackSize: 128 * 1024, { [self] in makeSpares() }) {
            state.withLock { $0.threadStarted = false }
        }
    }

    /// The spares waiting now, for tests.
    var readyNames: [String] { state.withLock { $0.ready } }

    /// Waits until `count` spares are ready (or making them failed), for tests.
    func waitUntilReady(_ count: Int, deadline: Int64) -> Bool {
        state.wait(until: deadline) { state in state.ready.count >= count ? true : (state.failed ? false : nil) } ?? false
    }

    /// Ends the thread and deletes the waiting spares (tests; a daemon leaves them to the next).
    func close() {
        let names = state.withLockBroadcasting { state -> [String] in
            state.closed = true
            defer { state.ready.removeAll() }
            return state.ready
        }
        for name in names { directory.removeLog(name) }
    }

    /// The thread's work: delete an earlier daemon's spares, then keep `kept` ready.
    ///
    /// At the lowest priority (`nice` 19: on Linux a thread's own, not the process's):
    /// it starts right after a start's reply, and each file it creates takes a third of a
    /// millisecond of CPU on ext4 just when the client reading the reply and the job just
    /// spawned want the two CPUs (warm `add` 0.59–0.61× → 0.54–0.56× `tmux`;
    /// docs/performance.md). Nothing waits for it: it holds no lock while it creates a
    /// file, and a start with no spare ready creates its files itself.
    private func makeSpares() {
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
        let mine = Self.prefix + token + "-"
        for name in directory.logNames() where Self.isSpare(name) && !name.hasPrefix(mine) {
            directory.removeLog(name)
        }
        while true {
            let number = state.wait { state -> Int?? in
                if state.closed { return .some(nil) }
                guard state.ready.count < kept, !state.failed else { return nil }
                defer { state.next += 1 }
                return .some(state.next)
            }
            guard let number = number ?? nil else { return }
            let name = mine + "\(number).log"
            let made = directory.createEmptyLog(name, mode: 0o644)
            let keep = state.withLockBroadcasting { state -> Bool in
                if !made { state.failed = true }
                guard made, !state.closed else { return false }
                state.ready.append(name)
                return true
            }
            if made && !keep { directory.removeLog(name) }
        }
    }
}
