import GobProtocol
import GobSystem

/// Measures 1–4: whole `gob` processes, exec to exit, against tmux or against gob itself.
extension Benchmark {
    /// Warm `gob list` with 10 running jobs that have 10,000 runs of history between them
    /// against `tmux ls` with 10 windows.
    func warmList(in sandbox: Sandbox) throws(BenchError) -> ReportRow {
        let (gob, tmux) = try servers(in: sandbox, jobs: 10, runsPerJob: 1000, windows: 10)

        let list = gob.command(["list"])
        // One line per job; a running job with an estimate has its progress indented below.
        let listed = Benchmark.lines(try list.output(capturingIn: sandbox.root + "/out")).filter { !$0.hasPrefix(" ") }
        guard listed.count == 10 else { throw BenchError("`gob list` printed \(listed.count) job lines for 10 jobs") }
        let ls = tmux.command(["ls"])
        let result = try pairs.run(a: { () throws(BenchError) in try list.timedRun() },
                                   b: { () throws(BenchError) in try ls.timedRun() })
        try gob.stop()
        try tmux.stop()
        return ReportRow(
            measure: Measure.warmList.title, gob: result.a.millisecondsSummary,
            reference: "`tmux ls`, 10 windows: \(result.b.millisecondsSummary)",
            result: result.ratios.ratioSummary, target: Measure.warmList.target,
            met: result.ratios.median <= 0.6)
    }

    /// Warm `gob add -- sleep 100` against `tmux new-window -d sleep 100`, with gob's
    /// runtime directory (where `add` creates the job's two log files) on tmpfs like a
    /// real `XDG_RUNTIME_DIR`, or on disk.
    func warmAdd(in sandbox: Sandbox, onDisk: Bool) throws(BenchError) -> ReportRow {
        let (gob, tmux) = try servers(in: sandbox, jobs: 0, windows: 1, onDisk: onDisk)

        let add = gob.command(["add", "--", "sleep", "100"])
        let newWindow = tmux.command(["new-window", "-d", "sleep", "100"])
        let result = try pairs.run(a: { () throws(BenchError) in try add.timedRun() },
                                   b: { () throws(BenchError) in try newWindow.timedRun() })
        let jobs = try DaemonConnection.call(.list(workdir: nil), socketPath: gob.paths.socket).jobs ?? []
        let expected = pairs.runs + pairs.warmups
        guard jobs.count == expected else { throw BenchError("\(expected) `gob add` runs left \(jobs.count) jobs") }
        try gob.stop()
        try tmux.stop()
        let measure = onDisk ? Measure.warmAddOnDisk : .warmAdd
        return ReportRow(
            measure: measure.title, gob: result.a.millisecondsSummary,
            reference: "`tmux new-window -d sleep 100`: \(result.b.millisecondsSummary)",
            result: result.ratios.ratioSummary, target: measure.target,
            met: result.ratios.median <= 0.6)
    }

    /// The first command with no server yet: `gob ping` in a fresh runtime directory (it
    /// starts the daemon) against `tmux new-session -d` on a fresh socket. Both servers are
    /// stopped, untimed, after every run.
    func coldStart(in sandbox: Sandbox) throws(BenchError) -> ReportRow {
        try coldPing(in: sandbox, measure: .coldStart, prefix: "c", xdgStateHome: nil)
    }

    /// The first command against a daemon that must read a large history: `gob ping` in a
    /// fresh runtime directory, with a state directory holding 1,000 jobs and 100,000
    /// runs, against `tmux new-session -d` on a fresh socket. Both servers are stopped,
    /// untimed, after every run; the history stays.
    func coldStartWithHistory(in sandbox: Sandbox) throws(BenchError) -> ReportRow {
        let state = try sandbox.makeDirectory("history")
        let seeding = MonotonicClock.now()
        try HistorySeed.write(xdgStateHome: state, workdir: sandbox.workdir, jobs: 1000, runsPerJob: 100, command: ["sleep", "3600"])
        Console.progress("  1,000 jobs and 100,000 runs seeded in \(Samples.format(MonotonicClock.milliseconds(MonotonicClock.now() - seeding) / 1000)) s")
        return try coldPing(in: sandbox, measure: .coldStartHistory, prefix: "h", xdgStateHome: state)
    }

    /// `gob ping` starting a daemon in a fresh runtime directory (named `prefix` and the
    /// round) with state in `xdgStateHome` (a fresh one when nil), against `tmux
    /// new-session -d` on a fresh socket; target ≤ 1.0×.
    private func coldPing(in sandbox: Sandbox, measure: Measure, prefix: String, xdgStateHome: String?) throws(BenchError) -> ReportRow {
        var gobRound = 0
        var tmuxRound = 0
        let result = try pairs.run(
            a: { () throws(BenchError) in
                gobRound += 1
                let gob = try GobServer(gob: options.gob, sandbox: sandbox, name: "\(prefix)\(gobRound)", xdgStateHome: xdgStateHome)
                let elapsed = try gob.command(["ping"]).timedRun()
                guard gob.daemonPID != nil else { throw BenchError("`gob ping` left no daemon running") }
                try gob.stop()
                return elapsed
            },
            b: { () throws(BenchError) in
                tmuxRound += 1
                let tmux = TmuxServer(tmux: options.tmux, sandbox: sandbox, name: "t\(tmuxRound)")
                let elapsed = try tmux.command(["new-session", "-d"], startsServer: true).timedRun()
                guard tmux.serverPID != nil else { throw BenchError("`tmux new-session -d` left no server running") }
                try tmux.stop()
                return elapsed
            })
        return ReportRow(
            measure: measure.title, gob: result.a.millisecondsSummary,
            reference: "`tmux new-session -d`, fresh socket: \(result.b.millisecondsSummary)",
            result: result.ratios.ratioSummary, target: measure.target,
            met: result.ratios.median <= 1.0)
    }

    /// `gob runs <id>` of a job with 10,000 runs (the newest 20 printed, as by default)
    /// against `gob list` of the same daemon's 10 running jobs.
    func runsOfALongHistory(in sandbox: Sandbox) throws(BenchError) -> ReportRow {
        let gob = try GobServer(gob: options.gob, sandbox: sandbox, name: "g")
        let long = try HistorySeed.write(
            xdgStateHome: gob.xdgStateHome, workdir: sandbox.workdir, jobs: 1, runsPerJob: 10_000, command: ["sleep", "3600"])
        try gob.start()
        try gob.startJobs(long)
        try gob.addJobs(9, command: ["sleep", "3601"])
        let runs = gob.command(["runs", long[0]])
        let listed = Benchmark.lines(try runs.output(capturingIn: sandbox.root + "/out"))
        guard listed.count == 20 else { throw BenchError("`gob runs` printed \(listed.count) lines, expected 20") }
        let list = gob.command(["list"])
        let result = try pairs.run(a: { () throws(BenchError) in try runs.timedRun() },
                                   b: { () throws(BenchError) in try list.timedRun() })
        try gob.stop()
        return ReportRow(
            measure: Measure.runsHistory.title, gob: result.a.millisecondsSummary,
            reference: "`gob list`, 10 jobs: \(result.b.millisecondsSummary)",
            result: result.ratios.ratioSummary, target: Measure.runsHistory.target,
            met: result.ratios.median <= 1.5)
    }

    /// `gob list --json` against a daemon with 1,000 jobs and one with 10.
    func listScaling(in sandbox: Sandbox) throws(BenchError) -> ReportRow {
        let large = try GobServer(gob: options.gob, sandbox: sandbox, name: "l")
        try large.start()
        try large.addJobs(1000, command: ["sleep", "3600"])
        let small = try GobServer(gob: options.gob, sandbox: sandbox, name: "s")
        try small.start()
        try small.addJobs(10, command: ["sleep", "3600"])

        let listLarge = large.command(["list", "--json"])
        let listSmall = small.command(["list", "--json"])
        for (command, expected) in [(listLarge, 1000), (listSmall, 10)] {
            let output = try command.output(capturingIn: sandbox.root + "/out")
            let count = (try? JSON(parsing: output))?.arrayValue?.count
            guard count == expected else {
                throw BenchError("`gob list --json` printed \(count.map(String.init) ?? "no JSON array of") jobs, expected \(expected)")
            }
        }
        let result = try pairs.run(a: { () throws(BenchError) in try listLarge.timedRun() },
                                   b: { () throws(BenchError) in try listSmall.timedRun() })
        try large.stop()
        try small.stop()
        return ReportRow(
            measure: Measure.listScaling.title, gob: "1,000 jobs: \(result.a.millisecondsSummary)",
            reference: "gob, 10 jobs: \(result.b.millisecondsSummary)",
            result: result.ratios.ratioSummary, target: Measure.listScaling.target,
            met: result.ratios.median <= 2.0)
    }
}
