import Foundation
@testable import GobDaemon
import GobProtocol
import GobTestSupport
import Testing

/// Readiness as the daemon decides it: lines matched in a run's logs (`ReadinessWatch`),
/// and the supervisor turning the watcher's verdicts into job changes and events.
@Suite("Readiness watched by the daemon", .timeLimit(.minutes(1)))
struct ReadinessTests {
    /// A temporary log with a reading descriptor, as the watcher opens one.
    final class Log {
        let path = NSTemporaryDirectory() + "gob-ready-" + UUID().uuidString
        let fd: Int32

        init() throws {
            _ = FileManager.default.createFile(atPath: path, contents: Data())
            fd = open(path, O_RDONLY | O_CLOEXEC)
            try #require(fd >= 0)
        }

        func append(_ bytes: [UInt8]) throws {
            let handle = try #require(FileHandle(forWritingAtPath: path))
            handle.seekToEndOfFile()
            handle.write(Data(bytes))
            try handle.close()
        }

        func append(_ text: String) throws { try append(Array(text.utf8)) }

        func truncate() { _ = Glibc.truncate(path, 0) }

        deinit {
            close(fd)
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    static func watch(_ pattern: String, _ logs: Log...) throws -> ReadinessWatch {
        ReadinessWatch(
            id: "j", pid: 1, pattern: try ExtendedRegex(pattern), deadline: .max,
            streams: logs.map { ReadinessWatch.Stream(fd: $0.fd) })
    }

    static func matched(_ scan: ReadinessWatch.Scan) -> Bool {
        if case .matched = scan { return true }
        return false
    }

    // MARK: Lines

    @Test func onlyCompletedLinesOfEitherLogMatch() throws {
        let stdout = try Log()
        let stderr = try Log()
        var watch = try Self.watch("^listening on 8080$", stdout, stderr)
        try stdout.append("booting\nlistening on 80")
        #expect(!Self.matched(watch.scan()), "a line is matched once it is complete")
        try stderr.append("listening on 8080")
        #expect(!Self.matched(watch.scan()))
        try stdout.append("80 and more\n")
        #expect(!Self.matched(watch.scan()), "the pieces make one line, which does not match")
        try stderr.append("\n")
        #expect(Self.matched(watch.scan()), "stderr's line, completed")
    }

    @Test func colouredAndCarriageReturnedLinesMatchAsSeen() throws {
        let log = try Log()
        var watch = try Self.watch("^  Local: +http://localhost:5173/$", log)
        try log.append("\u{1B}[32m  Local:\u{1B}[0m   \u{1B}[1mhttp://localhost:5173/\u{1B}[0m\r\n")
        #expect(Self.matched(watch.scan()))
    }

    @Test func bytesThatAreNotUTF8DoNotHideTheRest() throws {
        let log = try Log()
        var watch = try Self.watch("ready$", log)
        try log.append([0xFF, 0xFE, 0x00] + Array(" ready\n".utf8))
        #expect(Self.matched(watch.scan()))
    }

    @Test func aLineWithoutEndIsMatchedInBoundedPieces() throws {
        let log = try Log()
        var watch = try Self.watch("xyz", log)
        try log.append(String(repeating: "a", count: ReadinessWatch.longestLine * 3))
        #expect(!Self.matched(watch.scan()))
        #expect(watch.streams[0].partial.count < ReadinessWatch.longestLine, "the daemon keeps less than one piece")
        try log.append("xyz")
        // Whole pieces only are matched before the line ends; its end completes it.
        try log.append(String(repeating: "b", count: ReadinessWatch.longestLine))
        #expect(Self.matched(watch.scan()))
    }

    @Test func aLogCutUnderTheJobIsReadAgainFromItsStart() throws {
        let log = try Log()
        var watch = try Self.watch("^up$", log)
        try log.append("starting, a long line that moves the offset well past what follows\n")
        #expect(!Self.matched(watch.scan()))
        log.truncate()
        try log.append("up\n")
        #expect(Self.matched(watch.scan()))
    }

    // MARK: Through the supervisor

    /// Waits until the subscription receives an event of `kind` for job `id` (woken by
    /// its wake-up pipe, off the shared pool); the events received until then, in order.
    static func events(_ subscription: Subscription, until kind: JobEvent.Kind, of id: String) async throws -> [JobEvent] {
        let deadline = ContinuousClock().now + Failsafe.wait
        var received: [JobEvent] = []
        while true {
            received += drainEvents(subscription)
            if received.contains(where: { $0.kind == kind && $0.job.id == id }) { return received }
            let remaining = deadline - ContinuousClock().now
            let milliseconds = Int32(max(0, remaining.components.seconds * 1000))
            let fd = subscription.wakeFD
            let woken = await offThePool { () -> Bool in
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                return poll(&poller, 1, milliseconds) > 0
            }
            if !woken { throw WaitTimeout("\(kind.rawValue) of job \(id)", after: Failsafe.wait) }
        }
    }

    static func rule(_ pattern: String, timeout: Int64 = 60_000) -> ReadinessRule {
        ReadinessRule(log: pattern, timeoutMilliseconds: timeout)
    }

    @Test func aMatchingLineMakesTheRunReadyOnce() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        var spec = f.spec(["server"])
        spec.ready = Self.rule("^listening on [0-9]+$")
        let job = try f.supervisor.add(spec)
        #expect(job.readiness == "waiting" && job.readyLog == "^listening on [0-9]+$" && job.readyTimeoutMilliseconds == 60_000)
        #expect(job.readyAt == nil && job.readyAfterMilliseconds == nil)
        try "booting\nlistening on 8080\nlistening on 8081\n".write(toFile: job.stdoutPath, atomically: false, encoding: .utf8)
        let events = try await Self.events(subscription, until: .jobReady, of: job.id)
        #expect(events.map(\.kind) == [.jobAdded, .jobReady])
        let ready = try f.supervisor.job(job.id)
        #expect(ready.readiness == "ready" && ready.readyAt != nil && ready.readyAfterMilliseconds != nil)
        #expect(events.last?.job == ready)
        #expect(ready.status == .running)
    }

    @Test func aRunEndingFirstIsEndedBeforeReady() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        var spec = f.spec(["server"])
        spec.ready = Self.rule("^up$")
        let job = try f.supervisor.add(spec)
        f.launcher.exit(job.pid, code: 2)
        let events = try await Self.events(subscription, until: .jobStopped, of: job.id)
        #expect(events.last?.job.readiness == "ended_before_ready")
        #expect(try f.supervisor.job(job.id).readiness == "ended_before_ready")
    }

    @Test func theTimeoutIsAnnouncedAndTheRunGoesOn() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        var spec = f.spec(["server"])
        spec.ready = Self.rule("^up$", timeout: 200)
        let job = try f.supervisor.add(spec)
        let events = try await Self.events(subscription, until: .jobReadyTimedOut, of: job.id)
        #expect(events.map(\.kind) == [.jobAdded, .jobReadyTimedOut])
        let timedOut = try f.supervisor.job(job.id)
        #expect(timedOut.readiness == "timed_out" && timedOut.readyAt == nil && timedOut.status == .running)
    }

    @Test func restartAndStartWatchAgainWithTheStoredOrAGivenRule() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        var spec = f.spec(["server"])
        spec.ready = Self.rule("^up$")
        let job = try f.supervisor.add(spec)
        try "up\n".write(toFile: job.stdoutPath, atomically: false, encoding: .utf8)
        _ = try await Self.events(subscription, until: .jobReady, of: job.id)

        let restarted = try f.supervisor.restart(job.id, environment: nil)
        #expect(restarted.readiness == "waiting" && restarted.readyAt == nil, "a new run waits afresh")
        try "up\n".write(toFile: job.stderrPath, atomically: false, encoding: .utf8)
        let second = try await Self.events(subscription, until: .jobReady, of: job.id)
        #expect(second.map(\.kind) == [.jobStopped, .jobStarted, .jobReady])
        #expect(second.last?.job.pid == restarted.pid)

        _ = try f.supervisor.stop(job.id, force: false)
        let started = try f.supervisor.start(job.id, environment: nil, ready: Self.rule("^serving$", timeout: 5_000))
        #expect(started.readyLog == "^serving$" && started.readyTimeoutMilliseconds == 5_000 && started.readiness == "waiting")
        try "up\nserving\n".write(toFile: job.stdoutPath, atomically: false, encoding: .utf8)
        let third = try await Self.events(subscription, until: .jobReady, of: job.id)
        #expect(third.last?.job.pid == started.pid)

        // `run` of the same command reuses the job and keeps its rule.
        _ = try f.supervisor.stop(job.id, force: false)
        let (reused, restartedByRun) = try f.supervisor.run(f.spec(["server"]))
        #expect(restartedByRun && reused.id == job.id && reused.readyLog == "^serving$" && reused.readiness == "waiting")
    }

    // MARK: Ports

    static func listener(_ port: Int, _ transport: ListeningPort.Transport = .tcp, address: String = "127.0.0.1") -> ListeningPort {
        ListeningPort(port: port, transport: transport, address: address, pid: 4242)
    }

    @Test func aPortRuleHoldsOnceTheRunListensOnThatPort() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        var spec = f.spec(["server"])
        spec.ready = ReadinessRule(port: 5173)
        let job = try f.supervisor.add(spec)
        #expect(job.readiness == "waiting" && job.readyPort == 5173 && job.readyLog == nil && job.readyListener == nil)

        // Another port, or UDP on that port, is not it; a lookup of an earlier run is ignored.
        f.supervisor.updatePorts([(job.id, job.pid, [Self.listener(24678), Self.listener(5173, .udp)])], waiting: true)
        f.supervisor.updatePorts([(job.id, job.pid + 1, [Self.listener(5173)])], waiting: true)
        #expect(try f.supervisor.job(job.id).readiness == "waiting")
        let found = [Self.listener(24678), Self.listener(5173, address: "::"), Self.listener(5173, address: "0.0.0.0")]
        f.supervisor.updatePorts([(job.id, job.pid, found)], waiting: true)
        let events = try await Self.events(subscription, until: .jobReady, of: job.id)
        #expect(events.map(\.kind) == [.jobAdded, .portsUpdated, .portsUpdated, .jobReady])
        let ready = try f.supervisor.job(job.id)
        #expect(ready.readiness == "ready" && ready.readyAt != nil && ready.readyAfterMilliseconds != nil)
        #expect(ready.readyListener == Self.listener(5173, address: "0.0.0.0"), "the first in the outputs' order")
    }

    @Test func anyPortAndALineMustBothHoldInEitherOrder() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        var spec = f.spec(["server"])
        spec.ready = ReadinessRule(log: "^up$", port: ReadinessRule.anyPort)
        let first = try f.supervisor.add(spec)

        // The port first: not ready until the line comes.
        f.supervisor.updatePorts([(first.id, first.pid, [Self.listener(8000)])], waiting: true)
        _ = try await Self.events(subscription, until: .portsUpdated, of: first.id)
        #expect(try f.supervisor.job(first.id).readiness == "waiting")
        try "up\n".write(toFile: first.stdoutPath, atomically: false, encoding: .utf8)
        let events = try await Self.events(subscription, until: .jobReady, of: first.id)
        #expect(events.last?.job.readyListener == Self.listener(8000))

        // The line first: ready once a port is found.
        var other = f.spec(["other"])
        other.ready = spec.ready
        let second = try f.supervisor.add(other)
        try "up\n".write(toFile: second.stderrPath, atomically: false, encoding: .utf8)
        // The line is seen without an event: wait until the watcher has reported it.
        #expect(try await eventually { f.supervisor.readyLineSeen(second.id) })
        #expect(try f.supervisor.job(second.id).readiness == "waiting", "no port yet")
        f.supervisor.updatePorts([(second.id, second.pid, [Self.listener(9000, address: "::1")])], waiting: true)
        let later = try await Self.events(subscription, until: .jobReady, of: second.id)
        #expect(later.last?.job.readyListener == Self.listener(9000, address: "::1"))
    }

    @Test func aPortRuleTimesOutAndItsRunGoesOn() async throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let subscription = try #require(f.bus.subscribe(workdir: nil))
        var spec = f.spec(["server"])
        spec.ready = ReadinessRule(log: "^up$", port: 80, timeoutMilliseconds: 200)
        let job = try f.supervisor.add(spec)
        // The line alone does not make it ready, and the deadline still counts after it.
        try "up\n".write(toFile: job.stdoutPath, atomically: false, encoding: .utf8)
        let events = try await Self.events(subscription, until: .jobReadyTimedOut, of: job.id)
        #expect(events.map(\.kind) == [.jobAdded, .jobReadyTimedOut])
        // A port found afterwards is too late.
        f.supervisor.updatePorts([(job.id, job.pid, [Self.listener(80)])], waiting: true)
        let timedOut = try f.supervisor.job(job.id)
        #expect(timedOut.readiness == "timed_out" && timedOut.readyListener == nil && timedOut.status == .running)
    }

    @Test func aJobWithoutARuleHasNoReadiness() throws {
        let f = SupervisorFixture()
        defer { f.remove() }
        let job = try f.supervisor.add(f.spec(["server"]))
        #expect(job.readiness == nil && job.readyLog == nil && job.readyTimeoutMilliseconds == nil)
    }
}
