import CGobShims
import Glibc
import GobProtocol
import Logging
import Synchronization
import GobSystem

/// Watches the runs that have a readiness rule and tells the supervisor when a line of
/// its stdout or stderr matched the rule's pattern, or when its timeout passed first. A
/// rule that also (or only) waits for a port keeps its deadline here after the line, until
/// the supervisor cancels the watch: the ports are looked up elsewhere (`PortSchedule`).
///
/// One thread, started at the first watch, sleeps in `poll` on an inotify descriptor (the
/// logs grew), a wake-up pipe (a watch was added or cancelled) and the nearest deadline;
/// with nothing to watch it sleeps without a timeout, so an idle daemon stays idle. The
/// supervisor only queues requests here — `watch` and `cancel` take no lock of the job
/// table's and touch no file — and the thread opens, reads and matches the logs, then
/// reports through `report`, outside its own lock.
public final class ReadinessWatcher: Sendable {
    /// What the watcher tells its owner.
    public enum Report: Sendable, Equatable {
        /// A line of run `pid` of job `id` matched, at `at` (`MonotonicClock`).
        case ready(id: String, pid: Int32, at: Int64)
        /// The rule's timeout passed before it held (before a line matched, or, with
        /// `untilCancelled`, before the watch was cancelled); the run is no longer watched.
        case timedOut(id: String, pid: Int32)
    }

    /// A run to watch.
    public struct Request: Sendable, Equatable {
        public var id: String
        public var pid: Int32
        /// The rule's pattern (checked when the request was read); nil: no line is
        /// matched, only the deadline kept.
        public var pattern: String?
        /// The run's stdout and stderr logs.
        public var paths: [String]
        /// When to give up (`MonotonicClock`).
        public var deadline: Int64
        /// Keep the deadline after the line matched, until `cancel`: the rule waits for
        /// something else too.
        public var untilCancelled: Bool

        public init(id: String, pid: Int32, pattern: String?, paths: [String], deadline: Int64, untilCancelled: Bool = false) {
            self.id = id
            self.pid = pid
            self.pattern = pattern
            self.paths = paths
            self.deadline = deadline
            self.untilCancelled = untilCancelled
        }
    }

    private enum Command {
        case watch(Request)
        case cancel(id: String, pid: Int32?)
    }

    private let inbox = WakeableInbox<Command>()
    /// Where reports go, once connected.
    private let reportTo = Mutex<(@Sendable (Report) -> Void)?>(nil)
    private let logger: Logger
    /// Opens a log for reading without following a path an attacker could have swapped.
    private let openLog: @Sendable (String) -> Int32?

    /// - Parameter openLog: a read-only descriptor of the log at a path, or nil.
    public init(logger: Logger, openLog: @escaping @Sendable (String) -> Int32?) {
        self.logger = logger
        self.openLog = openLog
    }

    /// Sets where reports go; until then they are dropped.
    public func connect(_ report: @escaping @Sendable (Report) -> Void) {
        reportTo.withLock { $0 = report }
    }

    /// Starts watching a run, replacing any earlier watch of the same job.
    public func watch(_ request: Request) {
        send(.watch(request), starting: true)
    }

    /// Stops watching job `id` (only its run `pid` when given); nothing when it is not watched.
    public func cancel(id: String, pid: Int32? = nil) {
        send(.cancel(id: id, pid: pid), starting: false)
    }

    /// Queues a command and wakes the thread, starting it first when asked and needed.
    private func send(_ command: Command, starting: Bool) {
        let failure = inbox.send(command, starting: starting) { [self] wakeFD, inotify, noInotify in
            run(wakeFD: wakeFD, inotify: inotify, noInotify: noInotify)
        }
        if let failure { logger.error("Readiness watcher: \(failure); will try again at the next watch") }
    }

    // MARK: The thread

    /// The thread's name in `/proc/<pid>/task/<tid>/comm` (and `top -H`).
    static let threadName = "gob-ready"

    private func run(wakeFD: Int32, inotify: Int32, noInotify: SystemError?) {
        // Named through /proc (what `pthread_setname_np` does), which Swift's Glibc module reaches.
        let comm = Glibc.open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        if comm >= 0 {
            _ = Glibc.write(comm, Self.threadName, Self.threadName.utf8.count)
            _ = Glibc.close(comm)
        }
        if let noInotify { logger.warning("Readiness watcher: no inotify (\(noInotify)); reading logs every 50 ms") }
        var watches: [String: (watch: ReadinessWatch, inotify: [Int32], untilCancelled: Bool)] = [:]
        var more = false
        while true {
            var reports: [Report] = []
            for command in inbox.take() {
                switch command {
                case let .watch(request):
                    if let old = watches.removeValue(forKey: request.id) { Self.close(old, inotify: inotify) }
                    if let opened = open(request, inotify: inotify) {
                        watches[request.id] = opened
                    } else {
                        reports.append(.timedOut(id: request.id, pid: request.pid))
                    }
                case let .cancel(id, pid):
                    guard let old = watches[id], pid == nil || old.watch.pid == pid else { continue }
                    watches[id] = nil
                    Self.close(old, inotify: inotify)
                }
            }
            more = false
            for id in Array(watches.keys) {
                guard var entry = watches[id] else { continue }
                switch entry.watch.scan() {
                case .matched:
                    reports.append(.ready(id: id, pid: entry.watch.pid, at: MonotonicClock.now()))
                    guard entry.untilCancelled else {
                        watches[id] = nil
                        Self.close(entry, inotify: inotify)
                        continue
                    }
                    for wd in entry.inotify { _ = inotify_rm_watch(inotify, wd) }
                    entry.inotify = []
                    entry.watch.keepDeadlineOnly()
                case let .unmatched(more: pending):
                    if pending { more = true }
                }
                if MonotonicClock.now() >= entry.watch.deadline {
                    reports.append(.timedOut(id: id, pid: entry.watch.pid))
                    watches[id] = nil
                    Self.close(entry, inotify: inotify)
                    continue
                }
                watches[id] = entry
            }
            if !reports.isEmpty, let report = reportTo.withLock({ $0 }) {
                for item in reports { report(item) }
            }
            sleep(wakeFD: wakeFD, inotify: inotify, watches: watches.values.map(\.watch), more: more)
        }
    }

    /// Sleeps until a log grows, a command arrives or the nearest deadline passes.
    private func sleep(wakeFD: Int32, inotify: Int32, watches: [ReadinessWatch], more: Bool) {
        var timeout: Int32 = -1
        if more {
            timeout = 0
        } else if let nearest = watches.map(\.deadline).min() {
            let remaining = nearest - MonotonicClock.now()
            timeout = remaining <= 0 ? 0 : Int32(clamping: (remaining + 999_999) / 1_000_000)
            if inotify < 0 { timeout = min(timeout, 50) }
        }
        var pollers = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        if inotify >= 0 { pollers.append(pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)) }
        _ = poll(&pollers, nfds_t(pollers.count), timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        for poller in pollers where poller.revents != 0 {
            while buffer.withUnsafeMutableBytes({ Glibc.read(poller.fd, $0.baseAddress, $0.count) }) > 0 {}
        }
    }

    /// Opens a run's logs and watches them. A log that cannot be opened is logged and left
    /// out (the run then times out like one that never printed the line); nil when the
    /// pattern cannot be compiled, which the request's reading already excluded.
    private func open(_ request: Request, inotify: Int32) -> (watch: ReadinessWatch, inotify: [Int32], untilCancelled: Bool)? {
        var pattern: ExtendedRegex?
        if let source = request.pattern {
            do throws(ExtendedRegex.PatternError) {
                pattern = try ExtendedRegex(source)
            } catch {
                logger.error("Readiness of job \(request.id): invalid pattern \"\(source)\": \(error)")
                return nil
            }
        }
        var streams: [ReadinessWatch.Stream] = []
        var descriptors: [Int32] = []
        // Without a pattern there is nothing to read: only the deadline is kept.
        for path in request.paths where pattern != nil {
            guard let fd = openLog(path) else {
                logger.error("Readiness of job \(request.id): cannot open \(path): \(SystemError.last)")
                continue
            }
            streams.append(ReadinessWatch.Stream(fd: fd))
            // Watched through the open descriptor, so the file watched is the file read.
            if inotify >= 0 {
                let wd = inotify_add_watch(inotify, "/proc/self/fd/\(fd)", UInt32(IN_MODIFY))
                if wd >= 0 { descriptors.append(wd) }
            }
        }
        let watch = ReadinessWatch(id: request.id, pid: request.pid, pattern: pattern, deadline: request.deadline, streams: streams)
        return (watch, descriptors, request.untilCancelled)
    }

    private static func close(_ entry: (watch: ReadinessWatch, inotify: [Int32], untilCancelled: Bool), inotify: Int32) {
        for wd in entry.inotify { _ = inotify_rm_watch(inotify, wd) }
        entry.watch.close()
    }
}
