import Foundation
import GobProtocol
import GobSystem
import Synchronization

/// The in-place restart row: `gob daemon restart` with 1,000 running jobs.
extension Benchmark {
    /// What the listing clients saw while the daemon restarted under them.
    private final class Listing: Sendable {
        let done = Mutex(false)
        let tally = Mutex((answered: 0, failures: 0, firstError: String?.none))
    }

    /// The daemon re-executes itself in place with 1,000 running jobs, several times
    /// (3 in quick mode, 10 otherwise): the time from the `daemon_restart` request until
    /// a `list` is answered by the new image (sent once the new image acknowledged the
    /// restart, which it does as it starts serving), while 10 clients list throughout,
    /// one connection per request as `gob list` does, counting every request that was
    /// not answered.
    func restartInPlace(in sandbox: Sandbox) throws(BenchError) -> ReportRow {
        let gob = try GobServer(gob: options.gob, sandbox: sandbox, name: "g")
        try gob.start()
        try gob.addJobs(1000, command: ["sleep", "3600"])
        guard let daemon = gob.daemonPID else { throw BenchError("no gob daemon PID") }
        let socket = gob.paths.socket
        let listing = Listing()
        let clients = 10
        let finished = DispatchGroup()
        for _ in 0..<clients {
            finished.enter()
            Thread.detachNewThread {
                while !listing.done.withLock({ $0 }) {
                    do throws(BenchError) {
                        try DaemonConnection(socketPath: socket, timeout: 30).answered(.list(workdir: nil), timeout: 30)
                        listing.tally.withLock { $0.answered += 1 }
                    } catch {
                        listing.tally.withLock { tally in
                            tally.failures += 1
                            if tally.firstError == nil { tally.firstError = error.description }
                        }
                    }
                }
                finished.leave()
            }
        }
        var samples: [Double] = []
        var failure: BenchError?
        for _ in 0..<(options.quick ? 3 : 10) {
            do throws(BenchError) {
                let restart = try DaemonConnection(socketPath: socket, timeout: 30)
                let started = MonotonicClock.now()
                try restart.send(.daemonRestart(executable: nil))
                // The reply comes from the new image once it serves: a `list` sent then
                // is the first the new image answers (earlier ones wait in the backlog).
                let reply = try restart.receive(deadline: MonotonicClock.deadline(seconds: 30))
                guard Response(json: reply)?.success == true else {
                    throw BenchError("the restart failed: \(reply.compact.prefix(200))")
                }
                try DaemonConnection(socketPath: socket, timeout: 30).answered(.list(workdir: nil), timeout: 30)
                samples.append(MonotonicClock.milliseconds(MonotonicClock.now() - started))
            } catch {
                failure = error
                break
            }
            MonotonicClock.sleep(milliseconds: 200)
        }
        listing.done.withLock { $0 = true }
        _ = finished.wait(timeout: .now() + 60)
        let samePID = gob.daemonPID == daemon
        try gob.stop()
        if let failure { throw failure }
        guard samePID else { throw BenchError("the daemon's PID changed: it was not restarted in place") }

        let latency = Samples(samples)
        let tally = listing.tally.withLock { $0 }
        let firstError = tally.firstError.map { " (first: \($0))" } ?? ""
        return ReportRow(
            measure: Measure.restartInPlace.title,
            gob: "\(latency.millisecondsSummary) until `list` answers; \(tally.answered) lists answered",
            reference: "—",
            result: "median \(Samples.format(latency.median)) ms, \(tally.failures) failed requests\(firstError)",
            target: Measure.restartInPlace.target, met: latency.median <= 100 && tally.failures == 0)
    }
}
