import Glibc
import GobProtocol
import GobSystem

/// `gob logs`: follows both logs of every job of a directory with per-job prefixes, and
/// reports jobs starting and stopping on `[monitor]` lines, picking up new jobs live from
/// the event stream. When the daemon goes away it says so and reconnects every second,
/// as the TUI does, then follows the jobs of the daemon it finds.
public final class LogsMonitor {
    /// Opens a subscription and then lists the directory's jobs (in that order, so no job
    /// started in between is missed); nil when the daemon cannot be reached.
    public typealias Connect = () -> (events: EventStream, jobs: [JobSnapshot])?

    /// Delay between reconnection attempts.
    public static let reconnectDelayMilliseconds: Int64 = 1_000

    private var events: EventStream?
    private let output: OutputSink
    private let reconnect: Connect
    private let watcher = FileWatcher()
    private var followed = JobOutputTails()
    /// Running jobs: ID → (PID, command line) as first seen.
    private var tracked: [String: (pid: Int32, command: String)] = [:]

    /// - Parameters:
    ///   - events: a subscription opened *before* the job list was fetched.
    ///   - reconnect: how to reach the daemon again after it went away.
    public init(events: EventStream, output: OutputSink, reconnect: @escaping Connect) {
        self.events = events
        self.output = output
        self.reconnect = reconnect
    }

    /// Starts with the listed jobs (newest first); fails when a job's log file is missing.
    /// Then runs until the process is killed.
    /// - Parameter lastLines: of the listed jobs' logs, print only the last this many lines
    ///   of each (`--tail N`); jobs seen later are followed from their beginning.
    public func run(initialJobs: [JobSnapshot], lastLines: Int? = nil) -> String {
        for job in initialJobs {
            for path in [job.stdoutPath, job.stderrPath] where access(path, F_OK) != 0 {
                return "\(path == job.stdoutPath ? "stdout" : "stderr") log file not found: \(path)"
            }
        }
        adopt(initialJobs, lastLines: lastLines)
        var nextReconnect: Int64 = 0
        var more = false
        while true {
            more = pump()
            var pollers: [pollfd] = []
            if let fd = watcher.descriptor { pollers.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            if let events { pollers.append(pollfd(fd: events.descriptor, events: Int16(POLLIN), revents: 0)) }
            var timeout: Int32 = more ? 0 : watcher.descriptor == nil ? FileWatcher.fallbackInterval : -1
            if events == nil {
                let wait = Int32(clamping: max(0, (nextReconnect - MonotonicClock.now()) / 1_000_000))
                timeout = timeout < 0 ? wait : min(timeout, wait)
            }
            _ = poll(&pollers, nfds_t(pollers.count), timeout)
            watcher.drain()
            guard let current = events else {
                if MonotonicClock.now() >= nextReconnect {
                    nextReconnect = MonotonicClock.now() + Self.reconnectDelayMilliseconds * 1_000_000
                    if let (stream, jobs) = reconnect() {
                        output.write(output.monitorLine("reconnected to the gob daemon"))
                        events = stream
                        adopt(jobs, lastLines: nil)
                    }
                }
                continue
            }
            do throws(EventStream.End) {
                for event in try current.read() { handle(event) }
            } catch {
                // Whatever was written is printed, partial last lines ended; the jobs
                // went with their daemon.
                followed.finishAll(to: output)
                tracked = [:]
                let why = error.isDaemonGone ? "the gob daemon stopped" : "event subscription error: \(error.description)"
                output.write(output.monitorLine("\(why); reconnecting..."))
                events = nil
                nextReconnect = MonotonicClock.now() + Self.reconnectDelayMilliseconds * 1_000_000
            }
        }
    }

    /// Follows `jobs` (a fresh listing), their logs from `lastLines` from the end.
    private func adopt(_ jobs: [JobSnapshot], lastLines: Int?) {
        for job in jobs {
            follow(job)
            if let lastLines, let tail = followed[job.id] {
                tail.resume(
                    stdoutAt: LastLines.startOffset(ofLast: lastLines, inFileAt: job.stdoutPath),
                    stderrAt: LastLines.startOffset(ofLast: lastLines, inFileAt: job.stderrPath))
            }
            // Only jobs still running count as running.
            if job.status == .running { tracked[job.id] = (job.pid, job.commandLine) }
        }
        if tracked.isEmpty { output.write(output.monitorLine("waiting for jobs...")) }
    }

    private func handle(_ event: JobEvent) {
        let job = event.job
        switch event.kind {
        case .jobAdded, .jobStarted:
            guard job.status == .running, tracked[job.id] == nil else { return }
            if var existing = followed[job.id], event.kind == .jobStarted {
                // A restart began a run with logs of its own: end the old output's last
                // line, start over with the new run's.
                existing.flush(to: output)
                existing.restartAnnounced()
                followed[job.id] = existing
                watcher.watch(job.stdoutPath)
                watcher.watch(job.stderrPath)
            }
            follow(job)
            tracked[job.id] = (job.pid, job.commandLine)
            output.write(output.monitorLine("process started: \(job.commandLine) (pid:\(job.pid) id:\(job.id))"))
        case .jobStopped:
            guard let known = tracked[job.id], known.pid == job.pid else { return }
            finishTail(job.id)
            tracked[job.id] = nil
            output.write(output.monitorLine("process stopped: \(known.command) (pid:\(known.pid) id:\(job.id))"))
            if tracked.isEmpty { output.write(output.monitorLine("all processes stopped")) }
        case .jobRemoved, .jobReady, .jobReadyTimedOut, .portsUpdated:
            break
        }
    }

    /// Starts tailing a job's logs unless already tailed.
    private func follow(_ job: JobSnapshot) {
        followed.follow(job, output: output, watcher: watcher)
    }

    /// Prints what every tail gained, a bounded amount each; whether more is waiting.
    private func pump() -> Bool {
        followed.pump(to: output)
    }

    /// Prints the rest of a job's logs once its process ended, partial last lines ended.
    private func finishTail(_ id: String) {
        followed.finish(id, to: output)
    }
}
