import Glibc
import GobProtocol
import GobStore
import Logging
import GobSystem

/// What a starting daemon reads from the state directory.
struct History {
    let directory: StateDirectory
    let store: Store
    /// Every job, stopped as its latest run left it, by ID.
    private(set) var jobs: JobTableBuilder.Built
    /// The main processes of runs a daemon that ended uncleanly left running, still alive.
    let adopted: [AdoptedLeader]

    init(directory: StateDirectory, store: Store, jobs: JobTableBuilder.Built, adopted: [AdoptedLeader]) {
        self.directory = directory
        self.store = store
        self.jobs = jobs
        self.adopted = adopted
    }

    /// The jobs, handed over: the table keeps no second reference, so the supervisor's
    /// first change to it is not a copy of every job.
    mutating func takeJobs() -> JobTableBuilder.Built {
        defer { jobs = JobTableBuilder.Built(table: [:], highestSequence: nil) }
        return jobs
    }
}

extension Daemon {
    /// Opens `<state>` and the database (refusing another daemon's, a damaged one, another
    /// program's or a newer gob's), takes over the runs an earlier daemon left running,
    /// and reads every job back (made for the job table of `paths`).
    ///
    /// A run still marked running belongs to a daemon that ended uncleanly (killed,
    /// crashed). On the same boot, when its main process still lives — its PID names a
    /// live process with the recorded start time, so a reused PID is never taken for
    /// it — the run goes on as this daemon's (`JobSupervisor.adopt`). Otherwise its end
    /// was not seen: after a reboot (another boot id) it is recorded as lost, on the
    /// same boot as ended with an unknown exit status. Nothing is killed because a
    /// daemon died: what is left of a group whose main process has ended is left alone.
    ///
    /// After an in-place restart (`inheritedStateLock` is the lock the previous image
    /// held), the runs' main processes are still this process's children, and are taken
    /// back as such.
    static func openHistory(
        paths runtimePaths: RuntimePaths, bootID: String, logger: Logger, inheritedStateLock: Int32? = nil
    ) throws(DaemonStartError) -> History {
        guard let paths = StatePaths.current() else {
            throw DaemonStartError("cannot find the state directory: set XDG_STATE_HOME or HOME")
        }
        let directory: StateDirectory
        do { directory = try StateDirectory.open(paths, inheritedLock: inheritedStateLock) } catch {
            throw DaemonStartError(error.description)
        }
        if let mode = directory.tightenedFrom {
            logger.info("Made state directory \(paths.directory) private (mode \(String(mode, radix: 8)) → 700)")
        }
        do throws(StoreError) {
            let store = try Store.open(path: paths.database)
            let adopted = try takeOverRunsLeftRunning(
                store, bootID: bootID, restarted: inheritedStateLock != nil, logger: logger)
            let jobs = try readJobs(store, paths: runtimePaths)
            return History(directory: directory, store: store, jobs: jobs, adopted: adopted)
        } catch {
            throw DaemonStartError(error.description)
        }
    }

    /// Every job of the store, made into the job table by a `JobTableBuilder` while the
    /// rows are read.
    private static func readJobs(_ store: Store, paths: RuntimePaths) throws(StoreError) -> JobTableBuilder.Built {
        let builder = JobTableBuilder(
            paths: paths, environment: JobSupervisor.fallbackEnvironment, expected: try store.jobCount())
        let threaded = builder.start()
        var batch: [LoadedJob] = []
        batch.reserveCapacity(JobTableBuilder.batchSize)
        do {
            try store.forEachJob { job in
                batch.append(job)
                if batch.count == JobTableBuilder.batchSize {
                    builder.add(batch)
                    batch = []
                    batch.reserveCapacity(JobTableBuilder.batchSize)
                }
            }
        } catch {
            // The thread ends either way.
            _ = builder.finish(threaded: threaded)
            throw error
        }
        builder.add(batch)
        return builder.finish(threaded: threaded)
    }

    /// Adopts the open runs whose main process lives and records the end of the others;
    /// returns the adopted leaders. `restarted`: this is an in-place restart, whose
    /// children are still its own (what lingers of an ended job's group too: a stop
    /// finds those processes in the job's tree).
    private static func takeOverRunsLeftRunning(
        _ store: Store, bootID: String, restarted: Bool, logger: Logger
    ) throws(StoreError) -> [AdoptedLeader] {
        let open = try store.openRuns()
        guard !open.isEmpty else { return [] }
        let claimed = AdoptedLeader.claimAll(open.filter { $0.outcome == nil && $0.bootID == bootID })
        var changes = StoreChanges()
        var adopted: [AdoptedLeader] = []
        var lost = 0
        var unknown = 0
        var lingering = 0
        for var run in open {
            let sameBoot = run.bootID == bootID
            if run.outcome == nil {
                if sameBoot, let leader = claimed[run.id] {
                    adopted.append(leader)
                    continue
                }
                run.outcome = sameBoot ? .unknown : .lost
                if sameBoot { unknown += 1 } else { lost += 1 }
            } else if restarted && sameBoot {
                continue
            } else if sameBoot {
                lingering += 1
            }
            run.groupMayLinger = false
            changes.write(run)
        }
        if !changes.entries.isEmpty { try _ = store.write(changes) }
        if lost > 0 { logger.info("The machine restarted since the last daemon: \(lost) run(s) recorded as lost") }
        let children = adopted.filter(\.child).count
        if children > 0 { logger.info("Restarted in place: \(children) running job(s) kept") }
        if adopted.count > children || unknown > 0 || lingering > 0 {
            logger.info("""
                Previous daemon ended uncleanly: adopted \(adopted.count - children) running job(s); \
                \(unknown) run(s) had ended meanwhile, recorded with an unknown exit status; \
                \(lingering) ended job(s) whose group may have had processes left were left alone
                """)
        }
        return adopted
    }

    /// SIGTERM to processes an earlier daemon left, then SIGKILL to those still there
    /// (the same processes, by start time) after 3 s, in the background.
    static func terminate(_ survivors: [ProcessTable.Entry]) {
        guard !survivors.isEmpty else { return }
        for process in survivors { _ = kill(process.pid, SIGTERM) }
        _ = DetachedThread.start {
            let deadline = MonotonicClock.now() + MonotonicClock.seconds(3)
            var remaining = survivors
            while !remaining.isEmpty {
                remaining = remaining.filter { ProcessTable.startTime(of: $0.pid) == $0.startTime }
                if MonotonicClock.now() >= deadline {
                    for process in remaining { _ = kill(process.pid, SIGKILL) }
                    return
                }
                usleep(20_000)
            }
        }
    }
}
