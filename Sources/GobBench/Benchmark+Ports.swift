import GobProtocol
import GobSystem

/// The ports lookup: `gob ports --all` walks every running job's process tree and reads
/// each process's descriptors, where `gob list` only copies the daemon's table.
extension Benchmark {
    /// Jobs and processes per job of the measure.
    static let portsJobs = 20
    static let portsProcessesPerJob = 5

    /// Waits until the daemon has no port lookup scheduled: it looks up each run's ports
    /// during its first 30 seconds, and is idle only after that.
    func waitForPortLookups(_ gob: GobServer) throws(BenchError) {
        let deadline = MonotonicClock.deadline(seconds: 60)
        while try DaemonConnection.call(.status, socketPath: gob.paths.socket)["port_lookups_pending"]?.intValue != 0 {
            guard MonotonicClock.now() < deadline else { throw BenchError("port lookups were still scheduled after 60 s") }
            MonotonicClock.sleep(nanoseconds: MonotonicClock.seconds(0.5))
        }
    }

    /// `gob ports --all` against `gob list` on one daemon with 20 jobs of 5 processes each
    /// (a shell and four children); four of them run a python3 web server on an ephemeral
    /// port instead of one child, so the kernel's socket tables are read too.
    func portsAll(in sandbox: Sandbox) throws(BenchError) -> ReportRow {
        let gob = try GobServer(gob: options.gob, sandbox: sandbox, name: "g")
        try gob.start()
        let python = BenchEnvironment.lookUp("python3")
        let listeners = python == nil ? 0 : 4
        for index in 0..<Self.portsJobs {
            let server = index < listeners ? "\(python ?? "python3") -m http.server 0 --bind 127.0.0.1 & " : "sleep 3600 & "
            try gob.addJobs(1, command: ["sh", "-c", server + "sleep 3600 & sleep 3600 & sleep 3600 & wait"])
        }
        let ports = gob.command(["ports", "--all"])
        // Until every shell has forked its children and the servers listen.
        let deadline = MonotonicClock.deadline(seconds: 30)
        while true {
            let reply = try DaemonConnection.call(.ports(jobID: nil, workdir: nil), socketPath: gob.paths.socket)
            let jobs = reply["jobs"]?.arrayValue ?? []
            let complete = jobs.count == Self.portsJobs
                && jobs.allSatisfy { $0["processes"]?.intValue == Int64(Self.portsProcessesPerJob) }
                && jobs.filter { ($0["ports"]?.arrayValue ?? []).isEmpty == false }.count == listeners
            if complete { break }
            guard MonotonicClock.now() < deadline else {
                throw BenchError("the \(Self.portsJobs) jobs did not reach \(Self.portsProcessesPerJob) processes each and \(listeners) listeners in 30 s")
            }
            MonotonicClock.sleep(nanoseconds: MonotonicClock.seconds(0.05))
        }
        let printed = Benchmark.lines(try ports.output(capturingIn: sandbox.root + "/out"))
        guard printed.count == listeners + 1 || (listeners == 0 && printed == ["No listening ports"]) else {
            throw BenchError("`gob ports --all` printed \(printed.count) lines for \(listeners) listeners")
        }
        let list = gob.command(["list"])
        let result = try pairs.run(a: { () throws(BenchError) in try ports.timedRun() },
                                   b: { () throws(BenchError) in try list.timedRun() })
        try gob.stop()
        let servers = listeners == 0 ? " (no python3: no listener)" : ""
        return ReportRow(
            measure: Measure.portsAll.title + servers, gob: result.a.millisecondsSummary,
            reference: "`gob list`, same daemon: \(result.b.millisecondsSummary)",
            result: result.ratios.ratioSummary, target: Measure.portsAll.target,
            met: result.ratios.median <= 4.0)
    }
}
