import GobProtocol

/// The output tails of several jobs, read in the order the jobs were first followed:
/// what `await` and `logs` print from.
struct JobOutputTails {
    private var tails: [String: JobOutputTail] = [:]
    /// Job IDs in the order their output is read, each once.
    private var order: [String] = []

    /// The tail of job `id`, when it is followed.
    subscript(id: String) -> JobOutputTail? {
        get { tails[id] }
        set { tails[id] = newValue }
    }

    /// Starts tailing `job`'s two logs, watched by `watcher`, unless they are tailed
    /// already; returns whether they were new.
    @discardableResult
    mutating func follow(_ job: JobSnapshot, output: OutputSink, watcher: FileWatcher) -> Bool {
        guard tails[job.id] == nil else { return false }
        tails[job.id] = JobOutputTail(job: job, output: output)
        order.append(job.id)
        watcher.watch(job.stdoutPath)
        watcher.watch(job.stderrPath)
        return true
    }

    /// Prints what every tail gained (a bounded amount each); whether more is waiting.
    mutating func pump(to output: OutputSink) -> Bool {
        var more = false
        for id in order {
            guard var tail = tails[id] else { continue }
            if tail.pump(to: output) { more = true }
            tails[id] = tail
        }
        return more
    }

    /// Prints the rest of job `id`'s output, partial last lines ended; `forget` drops its
    /// tail afterwards (the job's process is over for good).
    mutating func finish(_ id: String, to output: OutputSink, forget: Bool = false) {
        guard var tail = tails[id] else { return }
        tail.finish(to: output)
        tails[id] = forget ? nil : tail
    }

    /// Finishes every tail, then forgets them all.
    mutating func finishAll(to output: OutputSink) {
        for id in order { finish(id, to: output) }
        tails = [:]
        order = []
    }
}
