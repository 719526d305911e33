import Glibc
import CGobShims
import GobProtocol
import GobSystem

/// Measures 5 and 6: how fast the daemon and a follower react, timed from the event's cause.
extension Benchmark {
    /// From a job writing a line to `gob stdout -f` printing it. The job is `cat fifo`: the
    /// benchmark writes a numbered line into the FIFO and times until that line comes out
    /// of the follower's stdout pipe. A pause before each line lets the follower go idle,
    /// so every sample includes its wake-up.
    func followLatency(in sandbox: Sandbox) throws(BenchError) -> ReportRow {
        let gob = try GobServer(gob: options.gob, sandbox: sandbox, name: "g")
        try gob.start()
        let fifo = sandbox.workdir + "/fifo"
        guard mkfifo(fifo, 0o600) == 0 else { throw BenchError("mkfifo \(fifo): \(FileText.errorText())") }
        guard let job = try gob.addJobs(1, command: ["cat", "fifo"]).first else { throw BenchError("`add` made no job") }
        let writer = try Benchmark.openWriter(fifo: fifo, deadline: MonotonicClock.deadline(seconds: 10))
        defer { close(writer) }

        let pipe: (read: Int32, write: Int32)
        do { pipe = try SystemPipe.open() } catch { throw BenchError("pipe: \(error)") }
        defer { close(pipe.read) }
        let follower: ChildProcess
        do {
            follower = try gob.command(["stdout", "-f", job.id]).spawn(stdout: pipe.write)
        } catch {
            close(pipe.write)
            throw error
        }
        close(pipe.write)

        var latencies: [Double] = []
        do throws(BenchError) {
            var reader = LineReader(fd: pipe.read)
            for index in -2..<latencySamples {
                MonotonicClock.sleep(milliseconds: 5)
                let line = "line \(index)"
                let start = MonotonicClock.now()
                try Benchmark.write(line + "\n", to: writer)
                guard let printed = try reader.next(deadline: start + 5_000_000_000, from: "`gob stdout -f`") else {
                    throw BenchError("`gob stdout -f` ended before printing \"\(line)\"")
                }
                let elapsed = MonotonicClock.now() - start
                guard printed.elementsEqual(line.utf8) else {
                    throw BenchError("`gob stdout -f` printed \"\(String(decoding: printed, as: UTF8.self))\", expected \"\(line)\"")
                }
                if index >= 0 { latencies.append(MonotonicClock.milliseconds(elapsed)) }
            }
        } catch {
            kill(follower.pid, SIGKILL)
            _ = try? follower.wait(deadline: MonotonicClock.deadline(seconds: 5))
            throw error
        }
        // `stdout -f` never ends by itself (docs/commands.md): still running here means it
        // did not fail; SIGTERM ends it.
        kill(follower.pid, SIGTERM)
        let exit = try follower.wait(deadline: MonotonicClock.deadline(seconds: 10))
        guard exit == .signaled(SIGTERM) || exit == .exited(0) else {
            throw BenchError("`gob stdout -f` \(exit) on SIGTERM")
        }
        try gob.stop()
        return Benchmark.latencyRow(Measure.followLatency, Samples(latencies), limit: 5)
    }

    /// From a job's exit to `job_stopped` reaching a subscriber. The benchmark subscribes on
    /// the raw socket, adds a `sleep 3600` job, SIGKILLs its PID itself and times until the
    /// event for that job arrives.
    func stopEventLatency(in sandbox: Sandbox) throws(BenchError) -> ReportRow {
        let gob = try GobServer(gob: options.gob, sandbox: sandbox, name: "g")
        try gob.start()
        let subscription = try DaemonConnection(socketPath: gob.paths.socket)
        _ = try subscription.call(.subscribe(workdir: nil))

        var latencies: [Double] = []
        for index in -2..<latencySamples {
            // A command of its own each time: the same one again would be a new run of the
            // stopped job (`job_started`), not a new job.
            let command = ["sleep", "\(3600 + index + 2)"]
            guard let job = try gob.addJobs(1, command: command).first else { throw BenchError("`add` made no job") }
            try Benchmark.await(.jobAdded, of: job.id, on: subscription)
            MonotonicClock.sleep(milliseconds: 5)
            let start = MonotonicClock.now()
            guard kill(job.pid, SIGKILL) == 0 else { throw BenchError("kill \(job.pid): \(FileText.errorText())") }
            try Benchmark.await(.jobStopped, of: job.id, on: subscription)
            if index >= 0 { latencies.append(MonotonicClock.milliseconds(MonotonicClock.now() - start)) }
        }
        try gob.stop()
        return Benchmark.latencyRow(Measure.stopEventLatency, Samples(latencies), limit: 2)
    }

    /// From a job writing the line its readiness rule waits for to `gob add --ready-log`
    /// exiting. Each sample is a new `gob add --ready-log '^ready <n>$' -- cat fifo<n>`:
    /// once it has printed its `Added job` line (the daemon watches the job by then) and
    /// a pause has let everything go idle, the benchmark writes the line into the FIFO
    /// and times until the `gob add` process is reaped. The daemon's wake-up on the log,
    /// its match, the `job_ready` event and the client's exit are all in the sample.
    func readyLatency(in sandbox: Sandbox) throws(BenchError) -> ReportRow {
        let latencies = try readinessLatencies(
            in: sandbox, flag: "--ready-log", fifoPrefix: "ready", readyText: " ready after ",
            command: { fifo, index in ["--ready-log", "^ready \(index)$", "--", "cat", fifo] },
            cue: { index in "ready \(index)\n" })
        return Benchmark.latencyRow(Measure.readyLatency, latencies, limit: 5)
    }

    /// A python3 job that waits for a line on the FIFO `argv[1]`, then listens on an
    /// ephemeral port of 127.0.0.1, and ends at the FIFO's end of file.
    static let listenOnCue = """
        import socket, sys
        cue = open(sys.argv[1])
        cue.readline()
        s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
        cue.read()
        """

    /// From a job calling `listen` to `gob add --ready-port` exiting. Each sample is a new
    /// `gob add --ready-port -- python3 -c <listenOnCue> fifo<n>`: once it has printed its
    /// `Added job` line and the job has opened the FIFO, the benchmark writes the cue and
    /// times until that `gob add` is reaped. No event says that a process listens, so this
    /// measures the daemon's lookup schedule (every 20 ms early in a run) and a lookup, with
    /// the `job_ready` event and the client's exit.
    func readyPortLatency(in sandbox: Sandbox) throws(BenchError) -> ReportRow {
        guard let python = BenchEnvironment.lookUp("python3") else { throw BenchError("needs python3 on PATH") }
        let latencies = try readinessLatencies(
            in: sandbox, flag: "--ready-port", fifoPrefix: "cue", readyText: " on http://127.0.0.1:",
            command: { fifo, _ in ["--ready-port", "--", python, "-c", Self.listenOnCue, fifo] },
            cue: { _ in "listen\n" })
        return Benchmark.latencyRow(Measure.readyPortLatency, latencies, limit: 20)
    }

    /// The samples of a readiness wait, after two warm-ups. Each is a new
    /// `gob add <command(fifo, n)>` whose job reads the FIFO `<fifoPrefix><n>`: once it has
    /// printed its `Added job` line and the job has opened the FIFO, a pause lets
    /// everything go idle, then the benchmark writes `cue(n)` into the FIFO and times until
    /// that `gob add` is reaped; its last line must hold `readyText`. The FIFO's end of
    /// file ends the job.
    private func readinessLatencies(
        in sandbox: Sandbox, flag: String, fifoPrefix: String, readyText: String,
        command: (_ fifo: String, _ index: Int) -> [String], cue: (_ index: Int) -> String
    ) throws(BenchError) -> Samples {
        let gob = try GobServer(gob: options.gob, sandbox: sandbox, name: "g")
        try gob.start()
        let what = "`gob add \(flag)`"
        var latencies: [Double] = []
        for index in -2..<latencySamples {
            let name = "\(fifoPrefix)\(index + 2)"
            let fifo = sandbox.workdir + "/" + name
            guard mkfifo(fifo, 0o600) == 0 else { throw BenchError("mkfifo \(fifo): \(FileText.errorText())") }
            var pipe: [Int32] = [-1, -1]
            let rc = gob_pipe(&pipe, 0)
            guard rc == 0 else { throw BenchError("pipe: \(FileText.errorText(rc))") }
            defer { close(pipe[0]) }
            let adder: ChildProcess
            do {
                adder = try gob.command(["add"] + command(name, index)).spawn(stdout: pipe[1])
            } catch {
                close(pipe[1])
                throw error
            }
            close(pipe[1])
            var writer: Int32 = -1
            do throws(BenchError) {
                var reader = LineReader(fd: pipe[0])
                guard let added = try reader.next(deadline: MonotonicClock.deadline(seconds: 10), from: what),
                      added.starts(with: Array("Added job ".utf8))
                else { throw BenchError("\(what) printed no `Added job` line") }
                writer = try Benchmark.openWriter(fifo: fifo, deadline: MonotonicClock.deadline(seconds: 10))
                MonotonicClock.sleep(nanoseconds: MonotonicClock.seconds(0.005))
                let start = MonotonicClock.now()
                try Benchmark.write(cue(index), to: writer)
                let exit = try adder.wait(deadline: start + 5_000_000_000)
                let elapsed = MonotonicClock.now() - start
                guard exit == .exited(0) else { throw BenchError("\(what) \(exit)") }
                guard let ready = try reader.next(deadline: MonotonicClock.deadline(seconds: 5), from: what),
                      String(decoding: ready, as: UTF8.self).contains(readyText)
                else { throw BenchError("\(what) printed no line with \"\(readyText)\"") }
                if index >= 0 { latencies.append(MonotonicClock.milliseconds(elapsed)) }
            } catch {
                kill(adder.pid, SIGKILL)
                _ = try? adder.wait(deadline: MonotonicClock.deadline(seconds: 5))
                if writer >= 0 { close(writer) }
                throw error
            }
            close(writer)
        }
        try gob.stop()
        return Samples(latencies)
    }

    /// Reads events until `kind` for job `id` arrives; throws after 5 s.
    private static func await(_ kind: JobEvent.Kind, of id: String, on subscription: DaemonConnection) throws(BenchError) {
        let deadline = MonotonicClock.deadline(seconds: 5)
        while true {
            let event = try subscription.receive(deadline: deadline)
            if event["type"]?.stringValue == kind.rawValue, event["job_id"]?.stringValue == id { return }
        }
    }

    /// A row for a latency measure: median and p99 against a median limit in ms.
    private static func latencyRow(_ measure: Measure, _ samples: Samples, limit: Double) -> ReportRow {
        ReportRow(
            measure: measure.title,
            gob: "median \(Samples.format(samples.median)) ms, p99 \(Samples.format(samples.percentile(99))) ms "
                + "(\(samples.count) samples)",
            reference: "—", result: "median \(Samples.format(samples.median)) ms",
            target: measure.target, met: samples.median <= limit)
    }

    /// Opens the FIFO for writing once the job has opened it for reading (until then a
    /// non-blocking open fails with ENXIO).
    private static func openWriter(fifo: String, deadline: Int64) throws(BenchError) -> Int32 {
        while true {
            let fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            if fd >= 0 { return fd }
            guard errno == ENXIO || errno == EINTR else { throw BenchError("open \(fifo): \(FileText.errorText())") }
            guard MonotonicClock.now() < deadline else { throw BenchError("the job `cat fifo` never opened the FIFO") }
            MonotonicClock.sleep(milliseconds: 1)
        }
    }

    /// Writes a short line in one call (below PIPE_BUF, so it is atomic).
    private static func write(_ text: String, to fd: Int32) throws(BenchError) {
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw BenchError("write to the FIFO: \(FileText.errorText())") }
    }
}
