import CGobShims
import Glibc
import GobProtocol
import GobStore
import GobSystem
import Logging
import Synchronization

/// Keeps runs' logs within the limits of `config.toml` (`LogRetention`), on a thread of
/// its own (`gob-logs`):
///
/// - **One stream of one run** (`streamBytes`): each log of a running run is watched with
///   inotify `IN_MODIFY | IN_ONESHOT`, so its first write after a check wakes the thread
///   once and the watch is gone until re-armed: an idle log costs nothing, and a busy one
///   at most one check per second (ten when it nears its limit). A check that finds the
///   stream past its limit drops its oldest part at a line boundary, keeping at least the
///   newest half (`LogHoles`). A stream therefore passes its limit by at most what its job
///   writes between two checks.
/// - **All logs together** (`totalBytes`): measured at start-up and at each run's end (at
///   most once a second); past the total, the oldest runs' logs go first — never those of
///   a run still running, whose growth the stream limit bounds — through the supervisor,
///   which marks those runs "logs pruned" in the store before their files are deleted.
///
/// Requests arrive through a queue that the table's lock may be held to fill (memory and
/// a one-byte write to the wake-up pipe only). The thread starts at the first request.
final class LogLimiter: Sendable {
    /// What the thread is asked to do.
    private enum Command {
        /// A run started: watch its logs.
        case started(RunKey)
        /// A run ended: check its logs a last time, stop watching them, and measure the total.
        case ended(RunKey)
        /// A job went with all its runs: stop watching its logs.
        case forget(jobID: String)
        /// Measure the total (start-up).
        case measure
    }

    /// What the thread asks of the supervisor: the runs still running (their logs are
    /// never pruned whole), and the pruning itself.
    struct Supervision: Sendable {
        var runningRuns: @Sendable () -> Set<RunKey>
        /// Runs up to each number of each job lose their logs.
        var prune: @Sendable ([String: Int64]) -> Void
    }

    private let inbox = WakeableInbox<Command>()
    private let supervisionHolder = Mutex<Supervision?>(nil)
    let logs: LogFiles
    let limits: LogRetention
    let logger: Logger

    /// How long a watch stays disarmed after a check, and near the limit (nanoseconds).
    static let rearmDelay = MonotonicClock.seconds(1)
    static let rearmDelayNearLimit = MonotonicClock.seconds(0.1)
    /// The least time between two measurements of the total.
    static let measureInterval = MonotonicClock.seconds(1)

    init(logs: LogFiles, limits: LogRetention, logger: Logger) {
        self.logs = logs
        self.limits = limits
        self.logger = logger
    }

    /// Sets how the thread reaches the supervisor; until then nothing is pruned whole.
    func connect(_ supervision: Supervision) {
        supervisionHolder.withLock { $0 = supervision }
    }

    /// How the thread reaches the supervisor, once connected.
    func supervision() -> Supervision? {
        supervisionHolder.withLock { $0 }
    }

    /// Run `number` of `jobID` started (its logs exist): watch them.
    func runStarted(_ jobID: String, number: Int64) { send(.started(RunKey(jobID: jobID, number: number))) }

    /// Run `number` of `jobID` ended.
    func runEnded(_ jobID: String, number: Int64) { send(.ended(RunKey(jobID: jobID, number: number))) }

    /// Job `jobID` was removed.
    func forget(jobID: String) { send(.forget(jobID: jobID), starting: false) }

    /// Measures all logs together now (the daemon's start).
    func measure() { send(.measure) }

    private func send(_ command: Command, starting: Bool = true) {
        let failure = inbox.send(command, starting: starting) { [self] wakeFD, inotify, noInotify in
            run(wakeFD: wakeFD, inotify: inotify, noInotify: noInotify)
        }
        // The command stays queued: the next one tries to start the thread again.
        if let failure { logger.error("Log limits: \(failure); will try again") }
    }

    // MARK: The thread

    /// The thread's name in `/proc/<pid>/task/<tid>/comm` (and `top -H`).
    static let threadName = "gob-logs"

    /// What the thread keeps: owned by it alone.
    private struct Watches {
        /// The log file names of running runs, with their inotify watch while armed.
        var files: [String: Int32?] = [:]
        /// Armed watches, by watch descriptor.
        var names: [Int32: String] = [:]
        /// When disarmed files are armed again (`MonotonicClock`).
        var rearm: [String: Int64] = [:]
        /// Runs whose end arrived before their start: a run that ends at once may be
        /// reported ended (under the table's lock) before its start is (after the
        /// commit). Its start then watches nothing.
        var endedFirst: Set<RunKey> = []
        /// The total is to be measured (at `measureAfter` at the earliest).
        var measureDue = false
        var measureAfter: Int64 = 0
    }

    private func run(wakeFD: Int32, inotify: Int32, noInotify: SystemError?) {
        let comm = Glibc.open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        if comm >= 0 {
            _ = Glibc.write(comm, Self.threadName, Self.threadName.utf8.count)
            _ = Glibc.close(comm)
        }
        if let noInotify {
            logger.warning("Log limits: no inotify (\(noInotify)); running runs' logs are checked every second")
        }
        var watches = Watches()
        while true {
            for command in inbox.take() {
                switch command {
                case let .started(run):
                    if watches.endedFirst.remove(run) != nil { continue }
                    for name in Self.names(of: run) {
                        watches.files[name] = .some(nil)
                        arm(name, in: &watches, inotify: inotify)
                    }
                case let .ended(run):
                    if Self.names(of: run).allSatisfy({ watches.files[$0] == nil }) { watches.endedFirst.insert(run) }
                    for name in Self.names(of: run) {
                        disarm(name, in: &watches, inotify: inotify)
                        watches.files[name] = nil
                        watches.rearm[name] = nil
                        check(name)
                    }
                    watches.measureDue = true
                case let .forget(jobID):
                    for name in watches.files.keys where RunLogs.run(ofLogFile: name)?.job == jobID {
                        disarm(name, in: &watches, inotify: inotify)
                        watches.files[name] = nil
                        watches.rearm[name] = nil
                    }
                case .measure:
                    watches.measureDue = true
                }
            }
            let now = MonotonicClock.now()
            for (name, due) in watches.rearm where due <= now {
                watches.rearm[name] = nil
                if watches.files[name] != nil { arm(name, in: &watches, inotify: inotify) }
            }
            if watches.measureDue && now >= watches.measureAfter {
                watches.measureDue = false
                watches.measureAfter = now + Self.measureInterval
                measureTotal()
            }
            sleep(wakeFD: wakeFD, inotify: inotify, watches: &watches)
        }
    }

    private static func names(of run: RunKey) -> [String] {
        RunLogs.Stream.allCases.map { RunLogs.name(job: run.jobID, number: run.number, $0) }
    }

    /// Watches `name` for its next write (once), then checks it: a write between an
    /// earlier check and the watch is not missed.
    private func arm(_ name: String, in watches: inout Watches, inotify: Int32) {
        if inotify >= 0, let fd = logs.openLog(name, flags: O_RDONLY) {
            // Watched through the open descriptor, so the file watched is the run's log.
            let wd = inotify_add_watch(inotify, "/proc/self/fd/\(fd)", UInt32(IN_MODIFY) | UInt32(IN_ONESHOT))
            _ = Glibc.close(fd)
            if wd >= 0 {
                watches.files[name] = wd
                watches.names[wd] = name
            }
        } else if inotify < 0 {
            watches.rearm[name] = MonotonicClock.now() + Self.rearmDelay
        }
        check(name)
    }

    private func disarm(_ name: String, in watches: inout Watches, inotify: Int32) {
        if let armed = watches.files[name], let wd = armed {
            _ = inotify_rm_watch(inotify, wd)
            watches.names[wd] = nil
            watches.files[name] = .some(nil)
        }
    }

    /// Sleeps until a watched log is written, a command arrives, or a re-arm or a
    /// measurement is due; then disarms what fired, for `rearmDelay`.
    private func sleep(wakeFD: Int32, inotify: Int32, watches: inout Watches) {
        var due = watches.rearm.values.min()
        if watches.measureDue { due = min(due ?? watches.measureAfter, watches.measureAfter) }
        var timeout: Int32 = -1
        if let due {
            let remaining = due - MonotonicClock.now()
            timeout = remaining <= 0 ? 0 : Int32(clamping: (remaining + 999_999) / 1_000_000)
        }
        var pollers = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        if inotify >= 0 { pollers.append(pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)) }
        _ = poll(&pollers, nfds_t(pollers.count), timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        if pollers[0].revents != 0 {
            while buffer.withUnsafeMutableBytes({ Glibc.read(wakeFD, $0.baseAddress, $0.count) }) > 0 {}
        }
        guard inotify >= 0, pollers[1].revents != 0 else { return }
        var fired: Set<Int32> = []
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(inotify, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (wd, length) = buffer.withUnsafeBytes { raw -> (Int32, Int) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, Int(event.len))
                }
                fired.insert(wd)
                offset += MemoryLayout<inotify_event>.size + length
            }
        }
        let now = MonotonicClock.now()
        for wd in fired {
            // One-shot: the kernel removed the watch with its event.
            guard let name = watches.names.removeValue(forKey: wd) else { continue }
            watches.files[name] = .some(nil)
            let kept = check(name) ?? 0
            watches.rearm[name] = now + (kept >= limits.streamBytes * 3 / 4 ? Self.rearmDelayNearLimit : Self.rearmDelay)
        }
    }
}
