import Glibc
import GobProtocol

/// The `<rt>/<id>.stdout.log` and `.stderr.log` links: each job's `stdout_path` and
/// `stderr_path`, pointing at its current run's logs in `<state>/logs`, so readers that
/// know only the job (`tail -f`, older clients) keep working across runs.
///
/// A link is replaced by making the new one under a temporary name and renaming it over
/// the old, so the name never goes missing. Every file operation goes through `<rt>`'s
/// descriptor when there is one; none runs under the table's lock.
extension JobSupervisor {
    /// Points job `id`'s two links at run `number`'s logs.
    func linkLogs(of id: String, number: Int64) {
        linkLock.withLock { _ in writeLinks(of: id, number: number) }
    }

    /// `linkLogs` for a caller that holds `linkLock`. A name that is not there yet (a new
    /// job, or every job of a daemon starting in a fresh `<rt>`) is made by one `symlinkat`;
    /// one that is there is replaced through a temporary name and a rename, so it never
    /// goes missing. Names and targets are assembled as bytes: a daemon starting with a
    /// thousand jobs makes two thousand links, and string interpolation made each cost
    /// several thousand instructions.
    func writeLinks(of id: String, number: Int64) {
        // Made once for stdout; stderr's differ only in their last bytes, overwritten.
        var target = CPath(logs.directory)
        target.add("/")
        target.add(id)
        target.add("-")
        target.add(decimal: number)
        target.add(".stdout.log")
        var name = CPath(id)
        name.add(".stdout.log")
        for stream in RunLogs.Stream.allCases {
            if stream == .stderr {
                target.overwriteEnd("err.log")
                name.overwriteEnd("err.log")
            }
            // A temporary name left behind (a daemon that ended between the two steps) is
            // removed only when it is in the way: the usual replacement spends no call on it.
            if let directory {
                directory.withDescriptor { fd in
                    if symlinkat(target.bytes, fd, name.bytes) == 0 || errno != EEXIST { return }
                    var temporary = name
                    temporary.add(".new")
                    var made = symlinkat(target.bytes, fd, temporary.bytes) == 0
                    if !made && errno == EEXIST {
                        _ = unlinkat(fd, temporary.bytes, 0)
                        made = symlinkat(target.bytes, fd, temporary.bytes) == 0
                    }
                    guard made else { return }
                    if renameat(fd, temporary.bytes, fd, name.bytes) != 0 { _ = unlinkat(fd, temporary.bytes, 0) }
                }
            } else {
                var path = CPath(paths.directory)
                path.add("/")
                path.add(id)
                path.add(stream == .stdout ? ".stdout.log" : ".stderr.log")
                if symlink(target.bytes, path.bytes) == 0 || errno != EEXIST { continue }
                var temporaryPath = path
                temporaryPath.add(".new")
                var made = symlink(target.bytes, temporaryPath.bytes) == 0
                if !made && errno == EEXIST {
                    _ = unlink(temporaryPath.bytes)
                    made = symlink(target.bytes, temporaryPath.bytes) == 0
                }
                guard made else { continue }
                if rename(temporaryPath.bytes, path.bytes) != 0 { _ = unlink(temporaryPath.bytes) }
            }
        }
    }

    /// Removes job `id`'s two links; how many there were.
    @discardableResult
    func unlinkLogs(of id: String) -> Int {
        var removed = 0
        for path in [paths.stdoutLog(id), paths.stderrLog(id)] {
            let name = String(path.split(separator: "/").last ?? "")
            let done: Bool
            if let directory {
                done = directory.withDescriptor { unlinkat($0, name, 0) } == 0
            } else {
                done = unlink(path) == 0
            }
            if done { removed += 1 }
        }
        return removed
    }

    /// Makes every job's links point at its current run, and removes the log entries of
    /// `<rt>` that belong to no job (links of jobs removed while no daemon ran, logs of
    /// older gob versions). For a daemon starting with the jobs of the store, or after
    /// `<rt>` was recreated; requests that hand out log paths wait until it is done.
    func relinkAll() {
        let current = state.withLock { state in
            var numbers: [String: Int64] = [:]
            numbers.reserveCapacity(state.jobs.count)
            for (id, job) in state.jobs where job.runNumber > 0 { numbers[id] = job.runNumber }
            return numbers
        }
        var linked = Set<String>()
        var pace = StartUpPace()
        if let directory {
            let names = directory.withDescriptor { DirectoryListing.names(in: $0) }
            for name in names {
                pace.step()
                guard let id = RuntimePaths.jobID(ofLogFile: name) else { continue }
                guard let number = current[id] else {
                    // Unless a job of that ID was made since the look at the table, is
                    // being made, or is the next one's, picked ahead.
                    linkLock.withLock { _ in
                        let unknown = state.withLock { $0.jobs[id] == nil && $0.reservations[id] == nil && $0.nextJob?.id != id }
                        if unknown { try? directory.remove(name) }
                    }
                    continue
                }
                let stream: RunLogs.Stream = name.hasSuffix(".stdout.log") ? .stdout : .stderr
                let target = logs.path(job: id, number: number, stream)
                if directory.withDescriptor({ Self.linkTarget(name, in: $0) }) == target {
                    linked.insert(name)
                }
            }
        }
        for id in current.keys
        where linked.isEmpty || !linked.contains(id + ".stdout.log") || !linked.contains(id + ".stderr.log") {
            pace.step()
            // The job's run now, read under the link lock: a start since the look above
            // has pointed them at its new run already, or will after this.
            linkLock.withLock { _ in
                guard let number = state.withLock({ $0.jobs[id]?.runNumber }), number > 0 else { return }
                writeLinks(of: id, number: number)
            }
        }
        // The next job's links, gone with a recreated `<rt>`: made again.
        linkLock.withLock { _ in
            if let next = state.withLock({ $0.nextJob }), next.linked { writeLinks(of: next.id, number: 1) }
        }
        state.withLockBroadcasting { $0.linksPending = false }
    }

    /// Deletes run logs in `<state>/logs` that no run on record owns: those of jobs that
    /// are gone, and of runs after a job's latest (a start whose run was never recorded).
    /// Both are left by a daemon that ended between two steps.
    func removeOrphanRunLogs() {
        let current = state.withLock { state in
            var numbers: [String: Int64] = [:]
            numbers.reserveCapacity(state.jobs.count + state.reservations.count)
            for (id, job) in state.jobs { numbers[id] = job.runNumber }
            for id in state.reservations.keys { numbers[id] = Int64.max }
            return numbers
        }
        var removed = 0
        var pace = StartUpPace()
        for name in logs.names() {
            pace.step()
            guard let run = RunLogs.run(ofLogFile: name) else { continue }
            if let latest = current[run.job], run.number <= latest { continue }
            // A job created or started since the look at the table is not an orphan.
            let known = state.withLock { state in
                state.jobs[run.job].map { run.number <= $0.runNumber + 1 } ?? (state.reservations[run.job] != nil)
            }
            if known { continue }
            if logs.remove(name) { removed += 1 }
        }
        if removed > 0 { logger.info("Removed \(removed) log file(s) that belong to no run") }
    }

    /// Where the link `name` in the directory open as `fd` points; nil when it is no link.
    private static func linkTarget(_ name: String, in fd: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(fd, name, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Marks the links as being made (a daemon starting with stored jobs), so requests
    /// that hand out log paths wait for `relinkAll`.
    func linksWillBeMade() {
        state.withLock { $0.linksPending = true }
    }

    /// Waits until the links of stored jobs are made.
    func waitForLinks() {
        _ = state.wait { $0.linksPending ? nil : true }
    }

    /// Whether the links of stored jobs are made, without waiting.
    var linksMade: Bool {
        state.withLock { !$0.linksPending }
    }
}
