import Glibc
import GobProtocol
import GobSystem

/// Measures 7 and 8: the daemon at rest with many jobs, and under many clients at once.
extension Benchmark {
    /// CPU ticks (utime + stime) a daemon with 1,000 running jobs and 100,000 runs of
    /// history spends doing nothing, and its RSS, against an idle tmux server with 10
    /// windows, watched over the same interval.
    func idleDaemon(in sandbox: Sandbox) throws(BenchError) -> ReportRow {
        let (gob, tmux) = try servers(in: sandbox, jobs: 1000, runsPerJob: 100, windows: 10)
        guard let daemon = gob.daemonPID else { throw BenchError("no gob daemon PID") }
        guard let server = tmux.serverPID else { throw BenchError("no tmux server PID") }

        try waitForPortLookups(gob)
        MonotonicClock.sleep(milliseconds: 1_000)  // let the start-up work settle
        guard let gobBefore = ProcFS.cpuTicks(daemon), let tmuxBefore = ProcFS.cpuTicks(server) else {
            throw BenchError("cannot read /proc/<pid>/stat")
        }
        MonotonicClock.sleep(nanoseconds: MonotonicClock.seconds(idleSeconds))
        guard let gobAfter = ProcFS.cpuTicks(daemon), let tmuxAfter = ProcFS.cpuTicks(server),
              let gobRSS = ProcFS.residentKiB(daemon), let tmuxRSS = ProcFS.residentKiB(server)
        else { throw BenchError("the gob daemon or the tmux server went away while idle") }
        try gob.stop()
        try tmux.stop()

        let ticks = gobAfter - gobBefore
        let mebibytes = Double(gobRSS) / 1024
        let seconds = Int(idleSeconds)
        return ReportRow(
            measure: Measure.idleDaemon.title,
            gob: "\(ticks) ticks, \(Samples.format(mebibytes)) MiB",
            reference: "idle tmux server, 10 windows: \(tmuxAfter - tmuxBefore) ticks, \(Samples.format(Double(tmuxRSS) / 1024)) MiB",
            result: "\(ticks) ticks in \(seconds) s (1 tick = \(1000 / max(sysconf(Int32(_SC_CLK_TCK)), 1)) ms), \(Samples.format(mebibytes)) MiB",
            target: Measure.idleDaemon.target, met: ticks == 0 && mebibytes <= 40)
    }

    /// 100 clients on 100 threads, each sending 20 raw `list` requests, all released at
    /// once against a daemon with 10 jobs.
    func concurrentClients(in sandbox: Sandbox) throws(BenchError) -> ReportRow {
        let gob = try GobServer(gob: options.gob, sandbox: sandbox, name: "g")
        try gob.start()
        try gob.addJobs(10, command: ["sleep", "3600"])
        let storm = ClientStorm(socketPath: gob.paths.socket, clients: 100, requests: 20, request: .list(workdir: OSString(sandbox.workdir)))
        let outcome = try storm.run(timeout: 120)
        try gob.stop()

        let total = storm.clients * storm.requests
        let seconds = Double(outcome.wallNanoseconds) / 1e9
        let perSecond = Int((Double(outcome.answered) / seconds).rounded())
        let firstError = outcome.firstError.map { " (first: \($0))" } ?? ""
        return ReportRow(
            measure: Measure.concurrentClients.title,
            gob: "\(outcome.answered)/\(total) answered in \(Samples.format(seconds)) s (\(perSecond) requests/s)",
            reference: "—",
            result: "\(outcome.failures) failures\(firstError)",
            target: Measure.concurrentClients.target, met: outcome.failures == 0)
    }
}
