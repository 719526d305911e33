import GobProtocol
import Testing

/// Output that says how a job ended: `list` marks a job that failed, `stop` says when
/// there was nothing to stop or when SIGKILL was needed, and `-q` keeps `stop`, `start`
/// and `restart` silent.
@Suite("How jobs ended", .endToEnd, .timeLimit(.minutes(3)))
struct JobOutcomeTests {
    @Test func listMarksFailedJobsOnly() async throws {
        try await Sandbox.run { sandbox async throws in
            let (failed, failedPID) = try await sandbox.addJob("sh", "-c", "exit 7")
            let (clean, cleanPID) = try await sandbox.addJob("true")
            let (killed, killedPID) = try await sandbox.addJob("sleep", "300")
            let (stopped, stoppedPID) = try await sandbox.addJob("sleep", "301")
            let (running, runningPID) = try await sandbox.addJob("sleep", "302")
            #expect(try await sandbox.gob("signal", killed, "KILL").status == 0)
            #expect(try await sandbox.gob("stop", stopped).status == 0)
            for id in [failed, clean, killed] { _ = try await sandbox.waitUntilStopped(id) }

            let expected = """
                \(running): [\(runningPID)] running: sleep 302
                \(stopped): [\(stoppedPID)] stopped: sleep 301
                \(killed): [\(killedPID)] stopped: sleep 300  ✗ SIGKILL
                \(clean): [\(cleanPID)] stopped: true
                \(failed): [\(failedPID)] stopped: sh -c 'exit 7'  ✗ exit 7

                """
            let unicode = try await sandbox.gob(["list"], environment: ["LC_ALL": nil, "LC_CTYPE": nil, "LANG": "C.UTF-8"])
            #expect(unicode.stdout == expected, "\(unicode)")
            let ascii = try await sandbox.gob(["list"], environment: ["LC_ALL": "C"])
            #expect(ascii.stdout == expected.replacingOccurrences(of: "✗", with: "!"), "\(ascii)")
            let wide = try await sandbox.gob(["list", "--workdir"], environment: ["LC_ALL": "C"])
            #expect(wide.stdout.contains("\(failed): [\(failedPID)] stopped (\(sandbox.workdir)): sh -c 'exit 7'  ! exit 7\n"))
        }
    }

    @Test func stopSaysWhatHappened() async throws {
        try await Sandbox.run { sandbox async throws in
            let (done, _) = try await sandbox.addJob("true")
            _ = try await sandbox.waitUntilStopped(done)
            let notRunning = try await sandbox.gob("stop", done)
            #expect(notRunning.status == 0)
            #expect(notRunning.stdout == "Job \(done) is not running\n")

            // A job that ignores SIGTERM is killed after the grace period, and stop says so.
            let (stubborn, pid) = try await sandbox.addJob("sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.1; done")
            #expect(try await eventually { sandbox.stdoutLog(stubborn) == "ready\n" })
            let stop = try await sandbox.gob("stop", stubborn)
            #expect(stop.status == 0)
            #expect(stop.stdout == "Stopped job \(stubborn) (PID \(pid)) with SIGKILL: it did not stop on SIGTERM\n")
            let job = try #require(try await sandbox.listedJob(stubborn))
            #expect(job.signal == "SIGKILL" && job.stoppedByGob)
            #expect(!(try await sandbox.gob("list").stdout.contains("✗")), "a stop by gob is no failure")
        }
    }

    @Test func quietStopStartRestart() async throws {
        try await Sandbox.run { sandbox async throws in
            let (id, _) = try await sandbox.addJob("sleep", "300")
            for arguments in [["stop", "-q", id], ["stop", "--quiet", id], ["start", "-q", id], ["restart", "--quiet", id]] {
                let outcome = try await sandbox.gob(arguments)
                #expect(outcome.status == 0, "\(arguments): \(outcome)")
                #expect(outcome.stdout.isEmpty && outcome.stderr.isEmpty, "\(arguments): \(outcome)")
            }
            #expect(try await sandbox.listedJob(id)?.status == .running)
            let failing = try await sandbox.gob("start", "-q", id)
            #expect(failing.status == 1 && failing.stderr.hasPrefix("Error: job \(id) is already running"), "errors still show")
        }
    }
}
