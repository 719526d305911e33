import Glibc
import Foundation
import GobProtocol
import Testing

/// Waiting for readiness end to end: `add --ready-log` returns when a line
/// matches, explains a job that ended first or timed out, the rule applies again on
/// `restart` and `start`, and `await --ready` waits for a job started earlier.
@Suite("Readiness", .endToEnd, .timeLimit(.minutes(3)))
struct ReadinessEndToEndTests {
    /// `Job <id> ready after <d.d>s` as a pattern.
    static func readyLine(_ id: String) -> Regex<Substring> {
        (try? Regex("Job \(id) ready after [0-9]+\\.[0-9]s\n")) ?? Regex(verbatim: "never")
    }

    /// The ID from an `Added job <id> running: …` line.
    static func addedID(_ outcome: Outcome) throws -> String {
        let line = try #require(outcome.stdout.split(separator: "\n").first { $0.hasPrefix("Added job ") }, "\(outcome)")
        return String(line.dropFirst("Added job ".count).prefix { $0 != " " })
    }

    @Test func aLineOnStdoutOrStderrMakesAddReturn() async throws {
        try await Sandbox.run { sandbox async throws in
            let server = "echo booting; sleep 0.3; echo listening on 8080; exec sleep 300"
            let added = try await sandbox.gob("add", "--ready-log", "^listening on [0-9]+$", "sh", "-c", server)
            #expect(added.status == 0, "\(added)")
            let id = try Self.addedID(added)
            #expect(added.stdout.contains(Self.readyLine(id)), "\(added)")
            #expect(added.stdout.split(separator: "\n").count == 2 && added.stderr.isEmpty, "\(added)")
            let job = try #require(try await sandbox.listedJob(id))
            #expect(job.status == .running, "the job runs on once it is ready")
            #expect(job.readiness == "ready" && job.readyAt != nil && job.readyLog == "^listening on [0-9]+$")
            #expect((job.readyAfterMilliseconds ?? 0) >= 250, "it was ready when the line came, not before: \(job)")
            #expect(job.readyTimeoutMilliseconds == 60_000)

            // On stderr, coloured, and with --json: the job object once it is ready.
            let coloured = #"printf 'warming up\n' >&2; printf '\033[32m  ➜  Local:\033[0m   http://localhost:5173/\n' >&2; exec sleep 300"#
            let json = try await sandbox.gob("add", "--json", "--ready-log", "Local: +http://", "sh", "-c", coloured)
            #expect(json.status == 0, "\(json)")
            let object = try #require(JobSnapshot(json: try JSON(parsing: json.stdout)), "\(json)")
            #expect(object.readiness == "ready" && object.readyAt != nil && object.status == .running, "\(json)")

            // Quiet: only the ID, which a script captures.
            let quiet = try await sandbox.gob("add", "-q", "--ready-log", "up", "sh", "-c", "echo up; exec sleep 300")
            #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet)")
            let quietID = quiet.stdout.trimmingCharacters(in: .newlines)
            #expect(try await sandbox.listedJob(quietID)?.readiness == "ready", "\(quiet)")
        }
    }

    @Test func aJobEndingFirstShowsItsLastLinesAndItsStatus() async throws {
        try await Sandbox.run { sandbox async throws in
            let failing = "for n in $(seq 1 25); do echo out$n; done; echo err1 >&2; echo err2 >&2; exit 3"
            let outcome = try await sandbox.gob("add", "--ready-log", "never printed", "sh", "-c", failing)
            #expect(outcome.status == 3, "the job's exit code: \(outcome)")
            let id = try Self.addedID(outcome)
            #expect(outcome.stdout == "Added job \(id) running: sh -c \(ShellWords.quote(failing))\n", "\(outcome)")
            let expected = "Job \(id) ended before it was ready: exit code 3 after "
            #expect(outcome.stderr.hasPrefix(expected), "\(outcome)")
            let lastTwenty = (6...25).map { "out\($0)\n" }.joined()
            #expect(outcome.stderr.hasSuffix(
                "--- stderr of \(id) (last 2 lines) ---\nerr1\nerr2\n--- stdout of \(id) (last 20 lines) ---\n\(lastTwenty)"),
                "\(outcome)")
            #expect(try await sandbox.listedJob(id)?.readiness == "ended_before_ready")

            let tailed = try await sandbox.gob("add", "--tail", "1", "--ready-log", "never", "sh", "-c", "echo a; echo b; kill -TERM $$")
            #expect(tailed.status == 128 + SIGTERM, "128+N for signal N: \(tailed)")
            let tailedID = try Self.addedID(tailed)
            #expect(tailed.stderr.contains("ended before it was ready: killed by SIGTERM"), "\(tailed)")
            #expect(tailed.stderr.hasSuffix("--- stderr of \(tailedID): empty ---\n--- stdout of \(tailedID) (last line) ---\nb\n"), "\(tailed)")

            // Ending well is no readiness either: the command fails.
            let clean = try await sandbox.gob("add", "--ready-log", "never", "true")
            #expect(clean.status == 1, "\(clean)")
            #expect(clean.stderr.contains("ended before it was ready: exit code 0"), "\(clean)")
        }
    }

    @Test func theTimeoutExits124AndTheJobRunsOn() async throws {
        try await Sandbox.run { sandbox async throws in
            let started = ContinuousClock().now
            let outcome = try await sandbox.gob(
                "add", "--ready-log", "never", "--ready-timeout", "1s", "sh", "-c", "echo still booting; exec sleep 300")
            let waited = ContinuousClock().now - started
            #expect(outcome.status == 124, "\(outcome)")
            #expect(waited >= .seconds(1), "\(waited)")
            let id = try Self.addedID(outcome)
            #expect(outcome.stderr.hasPrefix("Job \(id) was not ready within 1.0s (--ready-timeout); it keeps running\n"), "\(outcome)")
            #expect(outcome.stderr.hasSuffix("--- stdout of \(id) (last line) ---\nstill booting\n"), "\(outcome)")
            let job = try #require(try await sandbox.listedJob(id))
            #expect(job.status == .running && job.readiness == "timed_out" && job.readyAt == nil)
            #expect(ProcessScan.isLive(job.pid))
        }
    }

    @Test func restartAndStartWaitForTheStoredRuleAgain() async throws {
        try await Sandbox.run { sandbox async throws in
            // Ready on its first run; the second run fails before it is ready.
            let script = "if [ -e second ]; then echo broken >&2; exit 5; fi; touch second; echo up; exec sleep 300"
            let added = try await sandbox.gob("add", "--ready-log", "^up$", "sh", "-c", script)
            #expect(added.status == 0, "\(added)")
            let id = try Self.addedID(added)

            let restarted = try await sandbox.gob("restart", id)
            #expect(restarted.status == 5, "the stored rule was waited for: \(restarted)")
            #expect(restarted.stdout.hasPrefix("Restarted job \(id) with new PID "), "\(restarted)")
            #expect(restarted.stderr.contains("Job \(id) ended before it was ready: exit code 5"), "\(restarted)")
            #expect(restarted.stderr.contains("--- stderr of \(id) (last line) ---\nbroken\n"), "\(restarted)")

            try FileManager.default.removeItem(atPath: sandbox.workdir + "/second")
            let again = try await sandbox.gob("start", id)
            #expect(again.status == 0, "\(again)")
            #expect(again.stdout.contains(Self.readyLine(id)), "\(again)")

            // A new rule given to restart replaces the stored one.
            try FileManager.default.removeItem(atPath: sandbox.workdir + "/second")
            let replaced = try await sandbox.gob("restart", "-q", "--ready-log", "^u", "--ready-timeout", "2m", id)
            #expect(replaced.status == 0 && replaced.stdout.isEmpty, "\(replaced)")
            let job = try #require(try await sandbox.listedJob(id))
            #expect(job.readyLog == "^u" && job.readyTimeoutMilliseconds == 120_000 && job.readiness == "ready")

            // A follow does not wait for readiness: it runs to the job's end.
            _ = try await sandbox.gob("stop", id)
            let followed = try await sandbox.gob("start", "-f", id)
            #expect(followed.status == 5, "\(followed)")
        }
    }

    @Test func awaitReadyWaitsForAJobStartedEarlier() async throws {
        try await Sandbox.run { sandbox async throws in
            // Started without waiting (a raw request); ready once the test says so.
            #expect(try await sandbox.gob("ping").status == 0)
            let spec = JobSpec(
                command: ["sh", "-c", "while [ ! -e go ]; do sleep 0.05; done; echo serving; exec sleep 300"],
                workdir: OSString(sandbox.workdir), environment: ["PATH=/usr/bin:/bin", OSString(sandbox.marker)],
                ready: ReadinessRule(log: "^serving$"))
            let job = try #require(await sandbox.rawReply(Request.add(spec).json.compact)?.job)
            #expect(job.readiness == "waiting")

            let waiting = try sandbox.start(["await", "--ready", job.id])
            try await sandbox.waitForSubscribers(1)
            #expect(ProcessScan.isLive(waiting.pid), "await waits while the job is not ready")
            _ = FileManager.default.createFile(atPath: sandbox.workdir + "/go", contents: Data())
            let outcome = try await waiting.finish()
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.stdout.contains(Self.readyLine(job.id)) && outcome.stderr.isEmpty, "\(outcome)")

            // Ready already: at once. Without IDs: this directory's jobs with a rule.
            let again = try await sandbox.gob("await", "--ready")
            #expect(again.status == 0 && again.stdout.contains(Self.readyLine(job.id)), "\(again)")
            let json = try await sandbox.gob("await", "--ready", "--json", job.id)
            let object = try JSON(parsing: json.stdout)
            #expect(object["outcome"]?.stringValue == "ready" && object["exit_code"] == .int(0), "\(json)")
            #expect(object["jobs"]?.arrayValue?.first?["ready"] == .bool(true), "\(json)")

            // A job without a rule cannot be waited for; an ended one fails with its status.
            let (plain, _) = try await sandbox.addJob("sh", "-c", "exit 4")
            let noRule = try await sandbox.gob("await", "--ready", plain)
            #expect(noRule.status == 1 && noRule.stderr.contains("job \(plain) has no readiness rule"), "\(noRule)")
            _ = try await sandbox.gob("stop", job.id)
            let stopped = try await sandbox.gob("await", "--ready", job.id)
            #expect(stopped.status == 128 + SIGTERM, "\(stopped)")
            #expect(stopped.stderr.contains("Job \(job.id) ended before it was ready"), "\(stopped)")

            // The rule's timeout is the daemon's: a later await learns it at once.
            try FileManager.default.removeItem(atPath: sandbox.workdir + "/go")
            let short = try await sandbox.gob("start", "--ready-log", "^serving$", "--ready-timeout", "300ms", job.id)
            #expect(short.status == 124, "\(short)")
            let late = try await sandbox.gob("await", "--ready", job.id)
            #expect(late.status == 124 && late.stderr.hasPrefix("Job \(job.id) was not ready within 0.3s"), "\(late)")

            // --timeout bounds the wait as it bounds a wait for ends; the job runs on.
            let long = Request.restart(
                jobID: job.id, environment: ["PATH=/usr/bin:/bin", OSString(sandbox.marker)],
                ready: ReadinessRule(log: "^serving$", timeoutMilliseconds: 600_000))
            #expect(await sandbox.rawReply(long.json.compact)?.job?.readiness == "waiting")
            let bounded = try await sandbox.gob("await", "--ready", "--timeout", "0.3", job.id)
            #expect(bounded.status == 124, "\(bounded)")
            #expect(bounded.stderr.hasPrefix("Job \(job.id) is not ready yet (timed out); it keeps running\n"), "\(bounded)")
            #expect(try await sandbox.listedJob(job.id)?.readiness == "waiting")
        }
    }

    @Test func flagsThatCannotHoldAreRefusedBeforeAnythingStarts() async throws {
        try await Sandbox.run { sandbox async throws in
            let cases: [([String], String)] = [
                (["add", "--ready-timeout", "5s", "sleep", "1"], "Error: --ready-timeout needs --ready-log or --ready-port\n"),
                (["add", "--ready-log", "a(", "sleep", "1"], "Error: invalid value \"a(\" for --ready-log: Unmatched ( or \\(\n"),
                (["add", "--ready-log", "", "sleep", "1"], "Error: invalid value \"\" for --ready-log: empty pattern\n"),
                (["add", "--ready-log", "x", "--ready-timeout", "soon", "sleep", "1"],
                 "Error: invalid value \"soon\" for --ready-timeout: expected a duration such as 90s, 2m, 1m30s or 500ms\n"),
                (["add", "-f", "--ready-log", "x", "sleep", "1"], "Error: --follow and --ready-log cannot be used together\n"),
                (["add", "--tail", "3", "sleep", "1"], "Error: --tail needs --ready-log or --ready-port, or --quiet with --follow\n"),
                (["run", "--tail", "3", "sleep", "1"], "Error: --tail needs --quiet\n"),
                (["await", "--tail", "3", "x"], "Error: --tail needs --quiet or --ready\n"),
                (["restart", "--ready-timeout", "0s", "--ready-log", "x", "k3v"], "Error: invalid value \"0s\" for --ready-timeout: must be more than 0\n"),
                (["add", "--ready-port", "65536", "sleep", "1"],
                 "Error: invalid value \"65536\" for --ready-port: must be a port from 1 to 65535 (0: any port)\n"),
                (["start", "--ready-port=http", "k3v"], "Error: invalid value \"http\" for --ready-port: expected a TCP port number\n"),
                (["add", "-f", "--ready-port", "sleep", "1"], "Error: --follow and --ready-port cannot be used together\n"),
            ]
            for (arguments, message) in cases {
                let outcome = try await sandbox.gob(arguments)
                #expect(outcome.status == 1, "\(arguments): \(outcome)")
                #expect(outcome.stderr.hasPrefix(message), "\(arguments): \(outcome)")
                #expect(outcome.stdout.isEmpty, "\(arguments): \(outcome)")
            }
            #expect(!sandbox.runtimeDirectoryExists, "nothing reached a daemon")
        }
    }
}

/// What the daemon's readiness watcher costs once nothing waits.
@Suite("Readiness watcher at rest", .endToEnd, .timeLimit(.minutes(3)))
struct ReadinessWatcherRestTests {
    @Test func outputAfterReadinessDoesNotWakeTheDaemon() async throws {
        try await Sandbox.run { sandbox async throws in
            let chatty = "echo up; while :; do echo tick; sleep 0.01; done"
            let added = try await sandbox.gob("add", "--ready-log", "^up$", "sh", "-c", chatty)
            #expect(added.status == 0, "\(added)")
            let id = try ReadinessEndToEndTests.addedID(added)
            let daemon = try #require(sandbox.daemonPID)
            let watcher = try #require(DaemonThread(named: "gob-ready", in: daemon), "no gob-ready thread in the daemon")
            // The add returned at the report; the watcher then finishes its round (closes
            // the watch, drains inotify) before it sleeps. No event announces that a
            // thread went to sleep: look again until it has.
            try #require(try await eventually { watcher.sleepsInPoll }, "the watcher never slept in poll after its report")
            let before = try #require(watcher.switches)
            let ticks = sandbox.stdoutLog(id).components(separatedBy: "tick\n").count
            try await sandbox.waitUntil("the job to print 50 more lines") {
                sandbox.stdoutLog(id).components(separatedBy: "tick\n").count >= ticks + 50
            }
            let after = try #require(watcher.switches)
            #expect(after == before, "the watcher woke \(after - before) times for a job no one waits for")
        }
    }
}
