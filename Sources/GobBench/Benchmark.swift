import GobSystem

/// The whole benchmark: every measure (docs/performance.md), each in a sandbox of its
/// own, gob and tmux side by side.
struct Benchmark {
    let options: BenchOptions

    /// The side-by-side comparisons: 30 measured pairs (15 in quick mode), after 3
    /// warm-up pairs: the first requests of a new daemon fault its code in.
    var pairs: PairedRun { PairedRun(runs: options.runs, warmups: 3) }
    /// Samples per latency measure: 100 (10 in quick mode).
    var latencySamples: Int { options.quick ? 10 : 100 }
    /// How long the idle daemon is watched.
    var idleSeconds: Double { options.quick ? 2 : 10 }

    /// A started gob daemon with `jobs` sleeping jobs (each with `runsPerJob` runs of
    /// history written into its state database first, when given) and a started tmux
    /// server with `windows` windows, side by side in `sandbox`: what a comparison
    /// measures against.
    func servers(
        in sandbox: Sandbox, jobs: Int, runsPerJob: Int = 0, windows: Int, onDisk: Bool = false
    ) throws(BenchError) -> (GobServer, TmuxServer) {
        let gob = try GobServer(gob: options.gob, sandbox: sandbox, name: "g", onDisk: onDisk)
        if runsPerJob > 0 {
            let ids = try HistorySeed.write(
                xdgStateHome: gob.xdgStateHome, workdir: sandbox.workdir, jobs: jobs, runsPerJob: runsPerJob,
                command: ["sleep", "3600"])
            try gob.start()
            try gob.startJobs(ids)
        } else {
            try gob.start()
            if jobs > 0 { try gob.addJobs(jobs, command: ["sleep", "3600"]) }
        }
        let tmux = TmuxServer(tmux: options.tmux, sandbox: sandbox, name: "t")
        try tmux.start(windows: windows)
        return (gob, tmux)
    }

    /// Takes every measure in turn; a failed one becomes a FAILED row and the rest go on.
    func run() -> Report {
        let machine = MachineInfo.current()
        let versions = self.versions()
        var rows: [ReportRow] = []
        for (index, measure) in options.measures.enumerated() {
            Console.progress("gob-bench [\(index + 1)/\(options.measures.count)] \(measure.title)")
            let started = MonotonicClock.now()
            let row = take(measure)
            rows.append(row)
            let seconds = Samples.format(MonotonicClock.milliseconds(MonotonicClock.now() - started) / 1000)
            Console.progress("  → \(row.failed ? row.result : row.result + " (\(row.verdict == .met ? "met" : "missed"))") in \(seconds) s")
        }
        let mode = options.quick ? "quick (smoke) mode" : "full mode"
        let runtime = Sandbox.isTmpfs("/dev/shm") ? "gob runtime directories on tmpfs (/dev/shm)" : "gob runtime directories under /tmp (no tmpfs at /dev/shm)"
        let method = "method: \(mode); \(pairs.runs) measured pairs per comparison after \(pairs.warmups) warm-up, "
            + "interleaved; \(latencySamples) latency samples; idle watched \(Int(idleSeconds)) s; \(runtime)"
        return Report(machine: machine, gobVersion: versions.gob, tmuxVersion: versions.tmux, method: method, rows: rows)
    }

    /// One measure in a fresh sandbox, closed afterwards whatever happened.
    private func take(_ measure: Measure) -> ReportRow {
        let sandbox: Sandbox
        do {
            sandbox = try Sandbox()
        } catch {
            return ReportRow(measure: measure.title, target: measure.target, error: error)
        }
        defer { sandbox.close() }
        do {
            switch measure {
            case .warmList: return try warmList(in: sandbox)
            case .warmAdd: return try warmAdd(in: sandbox, onDisk: false)
            case .warmAddOnDisk: return try warmAdd(in: sandbox, onDisk: true)
            case .coldStart: return try coldStart(in: sandbox)
            case .coldStartHistory: return try coldStartWithHistory(in: sandbox)
            case .runsHistory: return try runsOfALongHistory(in: sandbox)
            case .listScaling: return try listScaling(in: sandbox)
            case .followLatency: return try followLatency(in: sandbox)
            case .stopEventLatency: return try stopEventLatency(in: sandbox)
            case .readyLatency: return try readyLatency(in: sandbox)
            case .readyPortLatency: return try readyPortLatency(in: sandbox)
            case .idleDaemon: return try idleDaemon(in: sandbox)
            case .concurrentClients: return try concurrentClients(in: sandbox)
            case .portsAll: return try portsAll(in: sandbox)
            case .restartInPlace: return try restartInPlace(in: sandbox)
            }
        } catch {
            return ReportRow(measure: measure.title, target: measure.target, error: error)
        }
    }

    /// `gob --version` and `tmux -V`, or why they could not be read.
    private func versions() -> (gob: String, tmux: String) {
        func read(_ command: (Sandbox) throws(BenchError) -> Command) -> String {
            do throws(BenchError) {
                let sandbox = try Sandbox()
                defer { sandbox.close() }
                let output = try command(sandbox).output(capturingIn: sandbox.root + "/version")
                return String(decoding: output, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "(no output)"
            } catch {
                return "unknown (\(error.description))"
            }
        }
        let gob = read { sandbox throws(BenchError) in try GobServer(gob: options.gob, sandbox: sandbox, name: "v").command(["--version"]) }
        let tmux = read { sandbox in TmuxServer(tmux: options.tmux, sandbox: sandbox, name: "v").command(["-V"]) }
        return (gob, tmux)
    }

    /// The lines of captured output.
    static func lines(_ output: [UInt8]) -> [Substring] {
        String(decoding: output, as: UTF8.self).split(separator: "\n")
    }
}
