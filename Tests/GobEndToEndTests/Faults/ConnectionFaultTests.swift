import Glibc
import CGobShims
import Foundation
import GobProtocol
import Testing

/// A bad day between client and daemon: a daemon that stops answering, dies, shuts down
/// under a storm of requests, or loses its filesystem; a client started with its standard
/// descriptors closed. Every command gives a clear answer in bounded time, and nothing a
/// client was told was done is undone.
@Suite("Fault: connections and the daemon's lifecycle", .timeLimit(.minutes(10)))
struct ConnectionFaultTests {
    @Test func aStoppedDaemonIsReportedNotRespondingQuickly() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sleep", "300")
            let daemon = try #require(sandbox.daemonPID)
            sandbox.addCleanup { kill(daemon, SIGCONT) }
            #expect(try await holdStill(daemon), "every thread of the daemon stopped")
            // Before: 62 s for list, 60 s for status and stdout; the runs are killed at 45 s.
            for command in [["list"], ["status"], ["stdout", id], ["signal", id, "HUP"]] {
                let outcome = try await sandbox.gob(command)
                #expect(outcome.status == 125, "\(command): \(outcome)")
                #expect(outcome.stderr == "Error: daemon (PID \(daemon)) is not responding\n", "\(command): \(outcome)")
            }
            // --timeout bounds the whole command, the subscription included.
            let awaited = try await sandbox.gob("await", "--timeout", "3", id)
            #expect(awaited.status == 124, "\(awaited)")
            #expect(awaited.stderr == "Error: timed out before the gob daemon answered\n", "\(awaited)")
            #expect(kill(daemon, SIGCONT) == 0)
            #expect(try await sandbox.gob("list").status == 0, "answers again once resumed")
        }
    }

    @Test func theFirstCommandAfterADaemonWasKilledSucceeds() async throws {
        try await Sandbox.run { sandbox async throws in
            // Before: 14 of 15 such commands failed with "connection reset by peer".
            for round in 0..<8 {
                _ = try await sandbox.addJob("sleep", "300")
                let daemon = try #require(sandbox.daemonPID)
                #expect(kill(daemon, SIGKILL) == 0)
                let outcome = try await sandbox.gob("list")
                #expect(outcome.status == 0, "round \(round): \(outcome)")
                #expect(try await eventually(timeout: .seconds(60)) { !ProcessScan.isLive(daemon) })
            }
        }
    }

    @Test func addsBesideNukesNeverFail() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers())
            let clock = ContinuousClock()
            let end = clock.now + .seconds(10)
            // Before: about one command in ten failed with a transport error.
            let failures = try await withThrowingTaskGroup(of: [String].self) { group in
                for loop in 0..<20 {
                    group.addTask {
                        var failed: [String] = []
                        while clock.now < end {
                            let arguments = loop % 2 == 0 ? ["add", "sleep", "300"] : ["nuke"]
                            let outcome = try await sandbox.gob(arguments)
                            if outcome.status != 0 { failed.append("\(arguments[0]): \(outcome)") }
                        }
                        return failed
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
            _ = try await sandbox.gob("nuke", "--all")
        }
    }

    @Test func aDaemonStartedWhileTheLastOneShutsDownKeepsAPIDFile() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers())
            let first = try #require(sandbox.daemonPID)
            // A second daemon waits for the first one's PID file lock (for 3 s at most)…
            let second = try sandbox.start(["daemon"])
            // …and is held still once it does, by a thread of its own (the shared pool
            // may not run a test for seconds on a loaded machine), so it cannot give up.
            let held = await offThePool { () -> Bool in
                let pid = second.pid
                let clock = ContinuousClock()
                let deadline = clock.now + .seconds(60)
                while clock.now < deadline, ProcessScan.isLive(pid) {
                    let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
                    let waiting = descriptors.contains { fd in
                        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"))?.hasSuffix("daemon.pid") == true
                    }
                    if waiting { return kill(pid, SIGSTOP) == 0 }
                    usleep(1_000)
                }
                return false
            }
            #expect(held, "the second daemon opened the PID file and was sent SIGSTOP")
            #expect(try await eventually(timeout: .seconds(60)) { ProcessScan.isStopped(second.pid) })
            // The first one removes the file as it shuts down.
            #expect(try await sandbox.gob("nuke", "--all").status == 0)
            #expect(try await eventually(timeout: .seconds(60)) { !ProcessScan.isLive(first) })
            #expect(kill(second.pid, SIGCONT) == 0)
            #expect(try await eventually(timeout: .seconds(60)) { FileManager.default.fileExists(atPath: sandbox.paths.socket) })
            // Before: the second daemon locked the removed file and ran without one. (It
            // writes its PID just after it listens: wait for that, not for the socket.)
            #expect(try await eventually(timeout: .seconds(60)) { sandbox.daemonPID == second.pid },
                    "the PID file names the daemon that runs")
            #expect(try await sandbox.gob("nuke", "--all").status == 0)
            let outcome = try await second.finish()
            #expect(outcome.status == 0, "\(outcome)")
            #expect(sandbox.daemons.isEmpty)
        }
    }

    @Test func theFirstCommandWorksWithItsStandardDescriptorsClosed() async throws {
        try await Sandbox.run { sandbox async throws in
            let marker = sandbox.base + "/added"
            let script = "exec \"$0\" add -- sh -c 'echo ok > \(marker); sleep 300' <&- >&- 2>&-"
            var argv: [UnsafeMutablePointer<CChar>?] = [strdup("sh"), strdup("-c"), strdup(script), strdup(GobProcess.executable), nil]
            defer { for pointer in argv { free(pointer) } }
            var envp: [UnsafeMutablePointer<CChar>?] = sandbox.environment(directory: sandbox.workdir).map { strdup($0) } + [nil]
            defer { for pointer in envp { free(pointer) } }
            var pid: pid_t = 0
            #expect(gob_spawn(&pid, "/bin/sh", &argv, &envp, sandbox.workdir, -1, -1, -1, -1, 0) == 0)
            let status = try await GobProcess.wait(pid)
            #expect(status == 0)
            #expect(try await eventually(timeout: .seconds(60)) { FileManager.default.fileExists(atPath: marker) })
            let jobs = try await sandbox.listedJobs()
            #expect(jobs.count == 1 && jobs.first?.status == .running, "\(jobs)")
        }
    }

    /// A killed daemon is replaced under the attached commands: they subscribe again (one
    /// of them starts the next daemon, which adopts the job), read the job back and go on
    /// until it ends; `logs` says so and finds the next daemon, as the TUI does.
    @Test func attachedCommandsRideThroughAKilledDaemon() async throws {
        try await Sandbox.run { sandbox async throws in
            let id = try await sandbox.addJob(arguments: ["sh", "-c", "echo started; while [ ! -e go ]; do sleep 0.05; done; echo done"])
            try await sandbox.waitUntil("the job to start") { sandbox.stdoutLog(id) == "started\n" }
            let awaiting = try sandbox.start(["await", id])
            let following = try sandbox.start(["stdout", "-f", id])
            let events = try sandbox.start(["events"])
            let logs = try sandbox.start(["logs"])
            // Rare, and only in full runs so far: say which command is missing and why.
            let commands = [("await", awaiting), ("stdout -f", following), ("events", events), ("logs", logs)]
            func states() -> String {
                commands.map { name, started in
                    let stderr = (try? String(contentsOfFile: started.stderrPath, encoding: .utf8)) ?? ""
                    let stdout = (try? String(contentsOfFile: started.stdoutPath, encoding: .utf8)) ?? ""
                    return "\(name): \(ProcessScan.isLive(started.pid) ? "running" : "ended"), stderr \(stderr.debugDescription), stdout \(stdout.suffix(300).debugDescription)"
                }.joined(separator: "; ") + "; daemon log: \(sandbox.daemonLog.suffix(1500).debugDescription)"
            }
            do { try await sandbox.waitForSubscribers(4) } catch {
                Issue.record("\(error); \(states())")
                return
            }
            // The kill may come before `await` and `stdout -f` have read the job back (they
            // subscribe first): then they subscribe to the next daemon and read it there.
            let daemon = try #require(sandbox.daemonPID)
            #expect(kill(daemon, SIGKILL) == 0)
            #expect(try await eventually(timeout: .seconds(60)) {
                contents(logs).contains("[monitor] the gob daemon stopped; reconnecting...\n")
            }, "\(contents(logs))")
            do { try await sandbox.waitForSubscribers(4) } catch {
                Issue.record("every attached command subscribed again: \(error); \(states())")
                return
            }
            #expect(sandbox.daemonPID != daemon && sandbox.daemons.count == 1)
            #expect(try await sandbox.listedJob(id)?.status == .running, "the next daemon adopted the job")
            #expect(FileManager.default.createFile(atPath: sandbox.workdir + "/go", contents: nil))
            let awaited = try await awaiting.finish()
            // Its exit status went with the killed daemon: an unknown end counts as 1.
            #expect(awaited.status == 1 && awaited.stdout.contains("Job \(id) ended after "), "\(awaited)")
            let followed = try await following.finish()
            #expect(followed.status == 0 && followed.stdout == "started\ndone\n", "\(followed)")
            #expect(try await eventually(timeout: .seconds(60)) {
                contents(events).contains("\"type\":\"job_stopped\",\"job_id\":\"\(id)\"")
            }, "\(contents(events))")
            #expect(try await eventually(timeout: .seconds(60)) {
                contents(logs).contains("[monitor] reconnected to the gob daemon\n")
            }, "\(contents(logs))")
            let (next, _) = try await sandbox.addJob("sh", "-c", "echo after the restart; sleep 300")
            #expect(try await eventually(timeout: .seconds(60)) { contents(logs).contains("[\(next)] after the restart\n") })
            for started in [events, logs] {
                kill(started.pid, SIGKILL)
                _ = try await started.finish()
            }
        }
    }

    /// A daemon stopped on purpose (its socket removed) is not replaced under attached
    /// commands: they say it stopped, with the status no job's could be.
    @Test func attachedCommandsSayTheDaemonStoppedAfterAShutdown() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sleep", "300")
            let attached = [
                try sandbox.start(["await", id]),
                try sandbox.start(["stdout", "-f", id]),
                try sandbox.start(["events"]),
                try sandbox.start(["run", "sleep", "301"]),
            ]
            #expect(try await sandbox.waitForSubscribers(4))
            // `run` subscribes before it asks for its job: shut down only once the job is
            // there, or `run` rightly starts a new daemon for it and follows it there.
            try await sandbox.waitForJobs("the run's job to start") { jobs in
                jobs.contains { $0.commandLine == "sleep 301" && $0.status == .running }
            }
            #expect(try await sandbox.gob("shutdown").status == 0)
            for started in attached {
                let outcome = try await started.finish()
                #expect(outcome.status == 125, "\(outcome)")
                #expect(outcome.stderr.hasSuffix("Error: the gob daemon stopped\n"), "\(outcome)")
            }
            #expect(sandbox.daemonPID == nil, "no daemon was started again")
        }
    }

    @Test func aTrickledRequestIsReadOnce() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers())
            let daemon = try #require(sandbox.daemonPID)
            let before = try #require(Self.cpuTicks(daemon))
            // 500 KB in 5,000 pieces, each ending in "}": before, each piece made the daemon
            // parse everything received so far again, so it was busy the whole time.
            let reply = await offThePool { () -> String in
                guard let connection = IdleConnection(socket: sandbox.paths.socket) else { return "" }
                _ = Array(#"{"type":"ping","payload":{"pad":""#.utf8).withUnsafeBytes { send(connection.fd, $0.baseAddress, $0.count, 0) }
                let piece = [UInt8](repeating: UInt8(ascii: "}"), count: 100)
                for _ in 0..<5_000 {
                    _ = piece.withUnsafeBytes { send(connection.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    usleep(200)
                }
                _ = Array("\"}}\n".utf8).withUnsafeBytes { send(connection.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                var buffer = [UInt8](repeating: 0, count: 4096)
                var timeout = timeval(tv_sec: 60, tv_usec: 0)
                _ = setsockopt(connection.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let count = buffer.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
                return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
            }
            #expect(reply.hasPrefix(#"{"success":true"#), "\(reply)")
            let used = try #require(Self.cpuTicks(daemon)) - before
            #expect(used < 50, "the daemon used \(used) ticks of CPU for one trickled request")
        }
    }

    @Test func aRemountedRuntimeDirectoryIsRecreatedAndJobsKept() async throws {
        guard getuid() == 0 else {
            print("skipped: needs root to mount a tmpfs")
            return
        }
        try await Sandbox.run { sandbox async throws in
            // The runtime directory's parent on a tmpfs of its own, as /run/user/<uid> is.
            #expect(try await Self.mountTmpfs(on: sandbox.base, sandbox: sandbox))
            let (id, _) = try await sandbox.addJob("sleep", "300")
            let daemon = try #require(sandbox.daemonPID)
            // Logout: the filesystem goes; login: a new, empty one takes its place.
            #expect(try await Self.run("/usr/bin/umount", ["-l", sandbox.base]))
            #expect(try await Self.mountTmpfs(on: sandbox.base, sandbox: sandbox))
            #expect(try await eventually(timeout: .seconds(60)) { FileManager.default.fileExists(atPath: sandbox.paths.socket) },
                    "the daemon made its socket in the new filesystem")
            let listed = try await sandbox.gob("list", "--all")
            #expect(listed.status == 0, "\(listed)")
            #expect(listed.stdout.contains("\(id): "), "the jobs are kept: \(listed)")
            #expect(sandbox.daemons.map(\.pid) == [daemon], "one daemon, the same")
            #expect(sandbox.daemonPID == daemon)
        }
    }

    private static func mountTmpfs(on path: String, sandbox: Sandbox) async throws -> Bool {
        guard try await run("/usr/bin/mount", ["-t", "tmpfs", "-o", "mode=700", "tmpfs", path]) else { return false }
        sandbox.addCleanup { _ = try? await run("/usr/bin/umount", ["-l", path]) }
        return true
    }

    private static func run(_ program: String, _ arguments: [String]) async throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        try process.run()
        return await offThePool {
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
    }
}

/// What a started `gob` has printed on stdout so far.
private func contents(_ started: Sandbox.Started) -> String {
    (try? String(contentsOfFile: started.stdoutPath, encoding: .utf8)) ?? ""
}

extension ConnectionFaultTests {
    /// User plus system CPU time of `pid` in clock ticks, from `/proc/<pid>/stat`.
    fileprivate static func cpuTicks(_ pid: pid_t) -> Int? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Fields after the command: state is the first; utime and stime are the 12th and 13th.
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }
}
