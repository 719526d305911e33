import Glibc
import GobProtocol
import GobStore
import Logging
import GobSystem

/// What a starting daemon reads from the state directory.
struct History {
    let directory: StateDirectory
    let store: Store
    /// Every job with its latest run.
    let jobs: [LoadedJob]
}

extension Daemon {
    /// Opens `<state>` and the database (refusing another daemon's, a damaged one, another
    /// program's or a newer gob's), ends the runs an earlier daemon left running, and
    /// reads every job back.
    ///
    /// A run still marked running belongs to a daemon that ended uncleanly. After a
    /// reboot (another boot id) its processes are long gone: it is recorded as lost. On
    /// the same boot its process groups are ended here — each process checked by its
    /// start time, so a reused PID is never signalled — and it is recorded as ended with
    /// an unknown exit status. Groups whose leader had ended but whose members might
    /// have lived on are ended the same way.
    static func openHistory(bootID: String, logger: Logger) throws(DaemonStartError) -> History {
        guard let paths = StatePaths.current() else {
            throw DaemonStartError("cannot find the state directory: set XDG_STATE_HOME or HOME")
        }
        let directory: StateDirectory
        do { directory = try StateDirectory.open(paths) } catch {
            throw DaemonStartError(error.description)
        }
        if let mode = directory.tightenedFrom {
            logger.info("Made state directory \(paths.directory) private (mode \(String(mode, radix: 8)) → 700)")
        }
        do throws(StoreError) {
            let store = try Store.open(path: paths.database)
            try endRunsLeftRunning(store, bootID: bootID, logger: logger)
            return History(directory: directory, store: store, jobs: try store.load())
        } catch {
            throw DaemonStartError(error.description)
        }
    }

    private static func endRunsLeftRunning(_ store: Store, bootID: String, logger: Logger) throws(StoreError) {
        let open = try store.openRuns()
        guard !open.isEmpty else { return }
        var changes = StoreChanges()
        var leftovers: [JobGroupRecord.Entry] = []
        var lost = 0
        var unknown = 0
        for var run in open {
            let sameBoot = run.bootID == bootID
            if sameBoot, let start = run.processStartTime {
                leftovers.append(JobGroupRecord.Entry(pgid: run.pgid, startTime: start))
            }
            if run.outcome == nil {
                run.outcome = sameBoot ? .unknown : .lost
                if sameBoot { unknown += 1 } else { lost += 1 }
            }
            run.groupMayLinger = false
            changes.write(run)
        }
        try _ = store.write(changes)
        if lost > 0 { logger.info("The machine restarted since the last daemon: \(lost) run(s) recorded as lost") }
        if !leftovers.isEmpty || unknown > 0 {
            let survivors = JobGroupRecord.survivors(of: leftovers)
            logger.info("""
                Previous daemon ended uncleanly: \(unknown) run(s) recorded as ended with an unknown exit status; \
                terminating \(survivors.count) leftover job process(es)
                """)
            terminate(survivors)
        }
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
