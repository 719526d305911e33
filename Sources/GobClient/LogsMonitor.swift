#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol

/// `gob logs` (contract §2.15, §3.3, Decision D9): follows both logs of every job of a
/// directory with per-job prefixes, and reports jobs starting and stopping on `[monitor]`
/// lines, picking up new jobs live from the event stream.
public final class LogsMonitor {
    private struct Followed {
        let stdoutTail: LogTail
        let stderrTail: LogTail
        var stdoutLines: LinePrefixer
        var stderrLines: LinePrefixer
    }

    private let events: EventStream
    private let output: OutputSink
    private let watcher = FileWatcher()
    private var followed: [String: Followed] = [:]
    /// Order in which jobs were added, for a stable pump order.
    private var order: [String] = []
    /// Running jobs: ID → (PID, command line) as first seen.
    private var tracked: [String: (pid: Int32, command: String)] = [:]

    /// - Parameter events: a subscription opened *before* the job list was fetched.
    public init(events: EventStream, output: OutputSink) {
        self.events = events
        self.output = output
    }

    /// Starts with the listed jobs (newest first); fails when a job's log file is missing.
    /// Then runs until the process is killed, or the output is gone.
    /// - Parameter lastLines: of the listed jobs' logs, print only the last this many lines
    ///   of each (`--tail N`); jobs seen later are followed from their beginning.
    public func run(initialJobs: [JobSnapshot], lastLines: Int? = nil) -> String {
        for job in initialJobs {
            for path in [job.stdoutPath, job.stderrPath] where access(path, F_OK) != 0 {
                return "\(path == job.stdoutPath ? "stdout" : "stderr") log file not found: \(path)"
            }
            follow(job)
            if let lastLines, let entry = followed[job.id] {
                entry.stdoutTail.resume(at: LastLines.startOffset(ofLast: lastLines, inFileAt: job.stdoutPath))
                entry.stderrTail.resume(at: LastLines.startOffset(ofLast: lastLines, inFileAt: job.stderrPath))
            }
            // Only jobs still running count as running (D9; upstream counted stopped ones).
            if job.status == .running { tracked[job.id] = (job.pid, job.commandLine) }
        }
        if tracked.isEmpty { output.write(output.monitorLine("waiting for jobs...")) }
        var stream: EventStream? = events
        while true {
            pump()
            var pollers: [pollfd] = []
            if let fd = watcher.descriptor { pollers.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            if let stream { pollers.append(pollfd(fd: stream.descriptor, events: Int16(POLLIN), revents: 0)) }
            let timeout = watcher.descriptor == nil ? FileWatcher.fallbackInterval : -1
            _ = poll(&pollers, nfds_t(pollers.count), timeout)
            watcher.drain()
            guard let current = stream else { continue }
            do throws(EventStream.End) {
                for event in try current.read() { handle(event) }
            } catch {
                pump()
                output.write(output.monitorLine("event subscription error: \(error.description)"))
                stream = nil  // tailing goes on (§2.15)
            }
        }
    }

    private func handle(_ event: JobEvent) {
        let job = event.job
        switch event.kind {
        case .jobAdded, .jobStarted:
            guard job.status == .running, tracked[job.id] == nil else { return }
            if let existing = followed[job.id], event.kind == .jobStarted {
                // A restart truncated the logs: end the old output's last line, start over.
                output.write(flushed(job.id))
                existing.stdoutTail.restartAnnounced()
                existing.stderrTail.restartAnnounced()
            }
            follow(job)
            tracked[job.id] = (job.pid, job.commandLine)
            output.write(output.monitorLine("process started: \(job.commandLine) (pid:\(job.pid) id:\(job.id))"))
        case .jobStopped:
            guard let known = tracked[job.id], known.pid == job.pid else { return }
            pump()
            output.write(flushed(job.id))
            tracked[job.id] = nil
            output.write(output.monitorLine("process stopped: \(known.command) (pid:\(known.pid) id:\(job.id))"))
            if tracked.isEmpty { output.write(output.monitorLine("all processes stopped")) }
        case .jobRemoved:
            break
        }
    }

    /// Starts tailing a job's logs unless already tailed.
    private func follow(_ job: JobSnapshot) {
        guard followed[job.id] == nil else { return }
        watcher.watch(job.stdoutPath)
        watcher.watch(job.stderrPath)
        followed[job.id] = Followed(
            stdoutTail: LogTail(path: job.stdoutPath), stderrTail: LogTail(path: job.stderrPath),
            stdoutLines: LinePrefixer(prefix: output.stdoutPrefix(job.id)),
            stderrLines: LinePrefixer(prefix: output.stderrPrefix(job.id)))
        order.append(job.id)
    }

    /// Prints the complete lines every tail has gained.
    private func pump() {
        for id in order {
            guard var entry = followed[id] else { continue }
            output.write(entry.stdoutLines.feed(entry.stdoutTail.readAppended().bytes))
            output.write(entry.stderrLines.feed(entry.stderrTail.readAppended().bytes))
            followed[id] = entry
        }
    }

    /// The partial last lines of a job's logs, once its process ended.
    private func flushed(_ id: String) -> [UInt8] {
        guard var entry = followed[id] else { return [] }
        let bytes = entry.stdoutLines.flush() + entry.stderrLines.flush()
        followed[id] = entry
        return bytes
    }
}
