import Glibc
import GobProtocol
import GobStore

/// Writes a history straight into a state database, the way a daemon that ran these jobs
/// for months would have left it, so that measures can start daemons that hold large
/// histories without running every job thousands of times.
enum HistorySeed {
    /// A state directory (`<xdgStateHome>/gob`) holding `jobs` jobs of `command` in
    /// `workdir`, each with `runsPerJob` ended runs (mostly successes, some failures; the
    /// newest 10 of each keep their logs, as the daemon keeps them). Returns the job IDs.
    @discardableResult
    static func write(
        xdgStateHome: String, workdir: String, jobs: Int, runsPerJob: Int, command: [String]
    ) throws(BenchError) -> [String] {
        let directory = xdgStateHome + "/gob"
        for path in [xdgStateHome, directory, directory + "/logs"] {
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
                throw BenchError("mkdir \(path): \(FileText.errorText())")
            }
        }
        let store: Store
        do { store = try Store.open(path: directory + "/state.db") } catch {
            throw BenchError("cannot open the state database to seed: \(error)")
        }
        defer { store.close() }
        let day: Int64 = 86_400_000_000_000
        let start = Timestamp.nowNanoseconds() - 30 * day
        var ids: [String] = []
        for job in 0..<jobs {
            let id = "j" + String(job, radix: 36)
            ids.append(id)
            var changes = StoreChanges()
            var summary = RunSummary()
            var runs: [RunRecord] = []
            for number in 1...max(runsPerJob, 1) {
                let failed = number % 12 == 0
                let duration = Int64(80_000 + (number * 7919) % 20_000)
                let began = start + Int64(number) * 60_000_000_000 + Int64(job) * 1_000_000
                summary.runStarted()
                summary.runEnded(failed ? .failure : .success, milliseconds: duration)
                runs.append(RunRecord(
                    jobID: id, number: Int64(number), pid: Int32(100_000 + number % 50_000), processStartTime: 1,
                    bootID: "seeded", startedAtNanos: began, endedAtNanos: began + duration * 1_000_000,
                    durationMilliseconds: duration, exitCode: failed ? 1 : 0, outcome: failed ? .failure : .success,
                    logsPruned: number <= runsPerJob - 10))
            }
            // The job first: noting it as new drops whatever was noted for its ID before.
            changes.replace(StoredJob(
                id: id, sequence: Int64(job), command: command.map { OSString($0) }, workdir: OSString(workdir),
                createdAtNanos: start + Int64(job) * 1_000_000, description: nil, lastRun: Int64(max(runsPerJob, 1)),
                summary: summary))
            for run in runs { changes.write(run) }
            do { _ = try store.write(changes) } catch {
                throw BenchError("cannot seed the state database: \(error)")
            }
        }
        return ids
    }
}
