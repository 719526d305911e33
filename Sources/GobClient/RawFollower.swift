#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol

/// `gob stdout -f` / `gob stderr -f` (contract §3.2, Decision D9): copies one log file to
/// the output as it grows, byte for byte, starting over when the job is restarted. Never
/// ends by itself; SIGINT/SIGTERM end the process by their default action.
public struct RawFollower {
    let path: String
    let jobID: String
    let events: EventStream?
    let output: OutputSink
    /// Start with the last this many lines instead of the whole file (`--tail N`).
    let lastLines: Int?

    /// - Parameters:
    ///   - events: the job's workdir subscription, to learn of restarts; without one,
    ///     truncation is still noticed from the file itself.
    ///   - lastLines: print only the last this many lines of what is there already.
    public init(path: String, jobID: String, events: EventStream?, output: OutputSink, lastLines: Int? = nil) {
        self.path = path
        self.jobID = jobID
        self.events = events
        self.output = output
        self.lastLines = lastLines
    }

    /// Follows forever; returns only with an error text when the output is gone.
    public func run() -> String {
        let watcher = FileWatcher()
        let tail = LogTail(path: path)
        if let lastLines { tail.resume(at: LastLines.startOffset(ofLast: lastLines, inFileAt: path)) }
        watcher.watch(path)
        var events = self.events
        while true {
            let bytes = tail.readAppended().bytes
            if !bytes.isEmpty, !output.write(bytes) { return "write error: \(SystemError.last)" }
            var pollers: [pollfd] = []
            if let fd = watcher.descriptor { pollers.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            if let events { pollers.append(pollfd(fd: events.descriptor, events: Int16(POLLIN), revents: 0)) }
            let timeout = watcher.descriptor == nil ? FileWatcher.fallbackInterval : -1
            _ = poll(&pollers, nfds_t(pollers.count), timeout)
            watcher.drain()
            if let stream = events {
                do throws(EventStream.End) {
                    for event in try stream.read() where event.kind == .jobStarted && event.job.id == jobID {
                        // The logs were truncated for the new process.
                        tail.restartAnnounced()
                    }
                } catch {
                    events = nil  // the daemon went away: keep following the file alone
                }
            }
        }
    }
}
