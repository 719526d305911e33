import Glibc
import Foundation
import GobProtocol
import Testing

/// The job supervisor on a bad day: a hung path in one job's start, a process
/// group whose number an unrelated process took over, zombies in a group, a truncated
/// log, a stopped job, a missing working directory.
@Suite("Fault: the job supervisor", .timeLimit(.minutes(10)))
struct SupervisorFaultTests {
    /// How long `list`, `status` and `stop` may take while another job's start hangs.
    static let bound = 0.1

    // MARK: A hung path in one job's start

    @Test func aLogReplacedByAFIFOFreezesOnlyItsOwnStart() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers(), "the daemon did not start")
            let hung = try #require(sandbox.rawAdd(["true"]))
            _ = try await sandbox.waitUntilStopped(hung.id)
            let others = (0..<3).compactMap { _ in sandbox.rawAdd(["sleep", "600"]) }
            #expect(others.count == 3)
            // Where the job's next run will write its output.
            let log = sandbox.runLog("\(hung.id)-2")
            #expect(mkfifo(log, 0o600) == 0)
            let starting = try sandbox.start(["start", hung.id])
            // Opening a FIFO for writing waits for a reader: the daemon is now stuck there.
            #expect(try await eventually(timeout: .seconds(60)) { sandbox.daemonThreadWaits(in: "wait_for_partner") },
                    "the daemon never reached the FIFO")
            try await expectOthersAnswer(sandbox, stopping: others)
            // A reader lets the start go on.
            let reader = open(log, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            #expect(reader >= 0)
            let outcome = try await starting.finish()
            if reader >= 0 { close(reader) }
            #expect(outcome.status == 0, "\(outcome)")
        }
    }

    @Test(.enabled(if: HungFuseMount.unavailableReason == nil,
                   Comment(rawValue: "FUSE test skipped: \(HungFuseMount.unavailableReason ?? "")")))
    func aWorkdirOnAHungMountFreezesOnlyItsOwnAdd() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers(), "the daemon did not start")
            let mountPoint = try sandbox.makeDirectory()
            let others = (0..<3).compactMap { _ in sandbox.rawAdd(["sleep", "600"]) }
            #expect(others.count == 3)
            guard let mount = HungFuseMount(at: mountPoint) else {
                print("FUSE test skipped: mounting a FUSE filesystem failed: \(String(cString: strerror(errno)))")
                return
            }
            sandbox.addCleanup { mount.release() }
            let socket = sandbox.paths.socket
            let request = Request.add(JobSpec(
                command: ["true"], workdir: OSString(mountPoint + "/work"), environment: ["PATH=/usr/bin:/bin", OSString(sandbox.marker)]))
            let line = Array((request.wireJSON.compact + "\n").utf8)
            async let hungAdd = offThePool { RawConnection.exchange(socket: socket, sending: line) }
            #expect(try await eventually(timeout: .seconds(60)) { sandbox.daemonThreadWaits(in: "fuse") },
                    "the daemon never reached the hung mount")
            try await expectOthersAnswer(sandbox, stopping: others)
            // Aborting the connection fails the stuck call: the add fails with a clear error.
            mount.release()
            let reply = (try? JSON(parsing: await hungAdd)).flatMap(Response.init(json:))
            #expect(reply?.success == false, "\(String(describing: reply))")
            #expect(try await sandbox.daemonAnswers())
        }
    }

    /// `list`, `status` and `stop` of other jobs are answered within the bound.
    private func expectOthersAnswer(_ sandbox: Sandbox, stopping others: [JobSnapshot]) async throws {
        let list = await sandbox.fastestRaw(.list(workdir: nil))
        #expect(list.response?.success == true && list.seconds < Self.bound, "list took \(list.seconds) s")
        let status = await sandbox.fastestRaw(.status)
        #expect(status.response?.success == true && status.seconds < Self.bound, "status took \(status.seconds) s")
        var fastestStop = Double.infinity
        for other in others {
            let stop = await sandbox.timedRaw(.stop(jobID: other.id, force: false))
            #expect(stop.response?.success == true, "\(String(describing: stop.response))")
            fastestStop = min(fastestStop, stop.seconds)
            if stop.response == nil { break }
        }
        #expect(fastestStop < Self.bound, "stop took \(fastestStop) s")
    }

    // MARK: Process groups that are no longer the job's

    /// A job whose leader ends while a member of its group lives on, that member reaped by
    /// a process outside the group, and then an unrelated process taking the group's
    /// number: no command may signal that process.
    @Test(.enabled(if: PIDReuse.available, "needs root to choose a PID"))
    func aReusedGroupNumberIsNeverSignalled() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers(), "the daemon did not start")
            let operations: [(name: String, run: (_ id: String, _ directory: String) async throws -> Outcome)] = [
                ("signal", { id, directory in try await sandbox.gob(["signal", id, "TERM"], in: directory) }),
                ("stop", { id, directory in try await sandbox.gob(["stop", id], in: directory) }),
                ("start", { id, directory in try await sandbox.gob(["start", id], in: directory) }),
                ("restart", { id, directory in try await sandbox.gob(["restart", id], in: directory) }),
                ("remove", { id, directory in try await sandbox.gob(["remove", id], in: directory) }),
                ("cleanup", { _, directory in try await sandbox.gob(["cleanup"], in: directory) }),
                ("nuke", { _, directory in try await sandbox.gob(["nuke"], in: directory) }),
            ]
            for operation in operations {
                let directory = try sandbox.makeDirectory()
                let (id, impostor) = try await lingeringJobWithImpostor(sandbox, in: directory)
                let outcome = try await operation.run(id, directory)
                #expect(PIDReuse.isRunning(impostor), "\(operation.name) signalled an unrelated process: \(outcome)")
                if operation.name == "signal" {
                    #expect(outcome.status == 1 && outcome.stderr.contains("is not running"), "\(outcome)")
                }
                PIDReuse.stop(impostor)
            }
        }
    }

    /// Makes the scenario: the job's leader ends while a member of its group lives on; a
    /// process of another group, the member's parent, reaps it; an unrelated process
    /// then gets the group's number as its PID and group.
    private func lingeringJobWithImpostor(_ sandbox: Sandbox, in directory: String) async throws -> (id: String, impostor: pid_t) {
        let trigger = directory + "/member-may-end"
        let script = """
            my ($trigger) = @ARGV; my $x = getpgrp(); pipe(my $r, my $w) or die;
            my $p = fork(); die unless defined $p;
            if ($p == 0) {
                setpgrp(0, 0); my $m = fork();
                if ($m == 0) {
                    setpgrp(0, $x) or die "join: $!"; close $r; syswrite $w, "j"; close $w;
                    select(undef, undef, undef, 0.02) until -e $trigger; POSIX::_exit(0);
                }
                close $w; close $r; waitpid($m, 0); sleep 600; POSIX::_exit(0);
            }
            close $w; sysread $r, my $b, 1; exit 0;
            """
        let job = try #require(rawAdd(sandbox, ["perl", "-MPOSIX", "-e", script, trigger], in: directory))
        let pgid = job.pid
        _ = try await sandbox.waitUntilStopped(job.id, timeout: .seconds(60))
        #expect(!ProcessScan.members(ofGroup: pgid).isEmpty, "the member should still be in the group")
        #expect(FileManager.default.createFile(atPath: trigger, contents: nil))
        #expect(try await eventually(timeout: .seconds(60)) { kill(-pgid, 0) != 0 && errno == ESRCH },
                "the group \(pgid) never emptied")
        let environment = ["PATH=/usr/bin:/bin", sandbox.marker]
        let impostor = try #require(await offThePool { PIDReuse.sleeper(at: pgid, environment: environment) },
                                    "could not start a process as PID \(pgid)")
        return (job.id, impostor)
    }

    /// A zombie in the job's group (its parent, outside the group, never reaps it) does not
    /// make `stop` wait and then fail: only live members count.
    @Test func aZombieInTheGroupDoesNotFailStop() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers(), "the daemon did not start")
            let script = """
                my $x = getpgrp(); pipe(my $r, my $w) or die;
                my $p = fork(); die unless defined $p;
                if ($p == 0) {
                    setpgrp(0, 0); my $m = fork();
                    if ($m == 0) { setpgrp(0, $x) or die "join: $!"; close $r; syswrite $w, "j"; close $w; POSIX::_exit(0); }
                    close $w; close $r; sleep 600; POSIX::_exit(0);
                }
                close $w; sysread $r, my $b, 1; exec "sleep", "600";
                """
            let job = try #require(rawAdd(sandbox, ["perl", "-MPOSIX", "-e", script], in: sandbox.workdir))
            var zombie: (pid: pid_t, parent: pid_t)?
            #expect(try await eventually(timeout: .seconds(60)) {
                zombie = zombieInGroup(job.pid)
                return zombie != nil
            }, "no zombie appeared in the group")
            let stop = await sandbox.timedRaw(.stop(jobID: job.id, force: false))
            #expect(stop.response?.success == true, "\(String(describing: stop.response))")
            #expect(stop.response?["killed"] == .bool(false), "SIGTERM was enough: the zombie is not a survivor")
            // Its parent, outside the group, lets it go.
            if let zombie { kill(zombie.parent, SIGKILL) }
        }
    }

    // MARK: Logs, stopped jobs, working directories

    /// Truncating a live log (`: > log`, logrotate's copytruncate) makes the job's next
    /// writes land at the start, not at its old offset behind a hole of NUL bytes.
    @Test func aTruncatedLogGetsNoNULBytes() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers(), "the daemon did not start")
            let job = try #require(sandbox.rawAdd(
                ["sh", "-c", "i=0; while :; do echo line $i; i=$((i+1)); sleep 0.01; done"]))
            let log = sandbox.paths.stdoutLog(job.id)
            #expect(try await eventually(timeout: .seconds(60)) { sandbox.stdoutLog(job.id).utf8.count > 200 })
            #expect(truncate(log, 0) == 0)
            #expect(try await eventually(timeout: .seconds(60)) { sandbox.stdoutLog(job.id).contains("\n") })
            let shown = try await sandbox.gob("stdout", job.id)
            #expect(shown.status == 0)
            #expect(!shown.stdout.utf8.contains(0), "NUL bytes after the truncation")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: log))
            #expect(bytes.first != 0, "the job wrote at its old offset")
        }
    }

    /// A stopped (SIGSTOP) job gets SIGCONT after SIGTERM, so it ends on SIGTERM instead of
    /// waiting out the grace period for SIGKILL.
    @Test func stopContinuesAStoppedJob() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers(), "the daemon did not start")
            let job = try #require(sandbox.rawAdd(["sleep", "600"]))
            #expect(try await sandbox.gob("signal", job.id, "STOP").status == 0)
            #expect(try await eventually(timeout: .seconds(60)) { ProcessScan.entry(job.pid)?.state == "T" })
            let stop = await sandbox.timedRaw(.stop(jobID: job.id, force: false))
            #expect(stop.response?.success == true, "\(String(describing: stop.response))")
            #expect(stop.response?["killed"] == .bool(false), "SIGTERM should have ended it once continued")
            #expect(try await sandbox.listedJob(job.id)?.signal == "SIGTERM")
        }
    }

    @Test func signalToAJobThatIsNotRunningFails() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers(), "the daemon did not start")
            let job = try #require(sandbox.rawAdd(["true"]))
            _ = try await sandbox.waitUntilStopped(job.id)
            let reply = sandbox.raw(Request.signal(jobID: job.id, signal: SIGTERM).json.compact)
            #expect(reply?.success == false)
            #expect(reply?.code == .notRunning)
            #expect(reply?.error == "job \(job.id) is not running")
        }
    }

    /// `restart` of a job whose working directory is gone says so and leaves the running
    /// process alone.
    @Test func restartChecksTheWorkdirBeforeStopping() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers(), "the daemon did not start")
            let doomed = try sandbox.makeDirectory()
            let job = try #require(rawAdd(sandbox, ["sleep", "600"], in: doomed))
            try FileManager.default.removeItem(atPath: doomed)
            let reply = sandbox.raw(Request.restart(jobID: job.id, environment: nil).json.compact)
            #expect(reply?.success == false)
            #expect(reply?.code == .spawnFailed)
            #expect(reply?.error == "working directory \(doomed) does not exist")
            let after = try #require(try await sandbox.listedJob(job.id))
            #expect(after.status == .running && after.pid == job.pid, "the running job was left alone")
            #expect(ProcessScan.isLive(job.pid))
        }
    }

    /// Launch errors in plain words, with the code clients decide on.
    @Test func launchErrorsInPlainWords() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers(), "the daemon did not start")
            let script = sandbox.workdir + "/notexec"
            try "echo hi\n".write(toFile: script, atomically: true, encoding: .utf8)
            let cases: [([String], String, String)] = [
                (["missing.sh"], sandbox.workdir, #"cannot start "missing.sh": no such file"#),
                (["./missing.sh"], sandbox.workdir, #"cannot start "./missing.sh": no such file"#),
                (["./notexec"], sandbox.workdir, #"cannot start "./notexec": permission denied"#),
                (["true"], "/nonexistent/dir", "working directory /nonexistent/dir does not exist"),
            ]
            for (command, workdir, message) in cases {
                let reply = sandbox.raw(Request.add(JobSpec(
                    command: command.map { OSString($0) }, workdir: OSString(workdir), environment: ["PATH=/usr/bin:/bin", OSString(sandbox.marker)])).json.compact)
                #expect(reply?.error == message)
                #expect(reply?.code == .spawnFailed)
            }
            #expect(try await sandbox.listedJobs().isEmpty)
        }
    }

    /// A zombie in process group `pgid`, with its parent.
    private func zombieInGroup(_ pgid: pid_t) -> (pid: pid_t, parent: pid_t)? {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(name),
                  let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 3, fields[0] == "Z", pid_t(fields[2]) == pgid, let parent = pid_t(fields[1]) else { continue }
            return (pid, parent)
        }
        return nil
    }

    /// A job gets the umask, descriptor limit and nice value of the client that starts it,
    /// not those of the client that started the daemon, nor the daemon's raised limit.
    @Test func aJobGetsItsClientsUmaskLimitsAndNiceValue() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers(), "the daemon did not start")
            let outcome = try await sandbox.runProgram(
                "/bin/sh", ["-c", "umask 027; ulimit -Sn 200; exec nice -n 7 gob add -- sh -c 'umask; ulimit -Sn; nice'"])
            #expect(outcome.status == 0, "\(outcome)")
            let line = try #require(outcome.stdout.split(separator: "\n").first { $0.hasPrefix("Added job ") }, "\(outcome)")
            let id = String(line.dropFirst("Added job ".count).prefix { $0 != " " })
            _ = try await sandbox.waitUntilStopped(id)
            #expect(sandbox.stdoutLog(id) == "0027\n200\n7\n")
        }
    }

    /// The thread that makes spare logs after a start's reply runs at the lowest priority
    /// (its own: no other thread of the daemon's, and no job, gets it); the jobs started
    /// next keep their client's nice value.
    @Test func theSpareLogThreadAloneRunsAtTheLowestPriority() async throws {
        try await Sandbox.run { sandbox async throws in
            let first = try await sandbox.addJob("sleep", "300")
            // Its first act is to lower its priority; then it makes the spares.
            let logs = sandbox.stateDirectory + "/logs"
            try await sandbox.waitUntil("the first spare log", watching: [logs]) {
                ((try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []).contains { $0.hasPrefix("spare-") }
            }
            // The daemon and its jobs run at the nice value of the commands (this process's).
            let own = try #require(Self.niceValue(of: "/proc/self/stat"))
            try #require(own < 19, "the tests run at the lowest priority already")
            let daemon = try #require(sandbox.daemonPID)
            let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(daemon)/task")) ?? []
            let niceValues = threads.compactMap { Self.niceValue(of: "/proc/\(daemon)/task/\($0)/stat") }
            #expect(niceValues.filter { $0 == 19 }.count == 1, "one thread at 19: \(niceValues)")
            #expect(niceValues.filter { $0 != 19 }.allSatisfy { $0 == own }, "\(niceValues)")
            let second = try await sandbox.addJob("sleep", "300")
            for job in [first, second] {
                #expect(Self.niceValue(of: "/proc/\(job.pid)/stat") == own, "job \(job.id) keeps its client's nice value")
            }
        }
    }

    /// Field 19 of a `/proc/.../stat` file: the nice value.
    static func niceValue(of path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let end = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: end)...].split(separator: " ")
        // After the command: state is field 3, so field 19 is the 17th.
        return fields.count > 16 ? Int(fields[16]) : nil
    }

    /// A runtime directory deleted under the daemon gets the jobs' log links back when the
    /// daemon makes the directory again, so `stdout_path` keeps working.
    @Test func aRecreatedRuntimeDirectoryGetsTheLogLinksBack() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers(), "the daemon did not start")
            let job = try #require(sandbox.rawAdd(["sh", "-c", "echo kept; sleep 600"]))
            let link = sandbox.paths.stdoutLog(job.id)
            try await sandbox.waitUntil("the job's line") { sandbox.stdoutLog(job.id) == "kept\n" }
            // Moved away at once (a recursive delete races with the daemon making files).
            let gone = sandbox.base + "/gone"
            #expect(rename(sandbox.paths.directory, gone) == 0)
            sandbox.addCleanup { try? FileManager.default.removeItem(atPath: gone) }
            #expect(try await eventually(timeout: .seconds(60)) {
                (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == sandbox.runLog("\(job.id)-1")
            }, "the link did not come back")
            #expect(sandbox.stdoutLog(job.id) == "kept\n")
            #expect(try await sandbox.daemonAnswers())
        }
    }

    /// A raw `add` in `directory` with the sandbox's marker.
    private func rawAdd(_ sandbox: Sandbox, _ command: [String], in directory: String) -> JobSnapshot? {
        let spec = JobSpec(command: command.map { OSString($0) }, workdir: OSString(directory), environment: ["PATH=/usr/bin:/bin", OSString(sandbox.marker)])
        return sandbox.raw(Request.add(spec).json.compact)?.job
    }
}
