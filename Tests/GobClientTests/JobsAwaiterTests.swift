import Glibc
import Foundation
@testable import GobClient
import GobProtocol
import Testing

/// The multi-job wait behind `gob await`, fed events through a socket pair and output
/// through real files.
@Suite("Awaiting several jobs", .timeLimit(.minutes(1)))
struct JobsAwaiterTests {
    /// A job with logs in `directory`, as `get_job` would report it.
    static func job(_ id: String, pid: Int32, status: JobSnapshot.Status, in directory: String, exitCode: Int32? = nil) -> JobSnapshot {
        JobSnapshot(
            id: id, pid: pid, status: status, command: ["x"], workdir: "/w", createdAt: "",
            stdoutPath: "\(directory)/\(id).stdout.log", stderrPath: "\(directory)/\(id).stderr.log",
            exitCode: exitCode, runTimeMilliseconds: status == .stopped ? 5 : nil)
    }

    /// A connected pair: events written to `feed` arrive on the stream.
    struct Feed {
        let stream: EventStream
        let feed: Int32

        init() {
            var fds: [Int32] = [-1, -1]
            #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
            stream = EventStream(descriptor: fds[0], pending: [])
            feed = fds[1]
        }

        func send(_ kind: JobEvent.Kind, _ job: JobSnapshot) {
            let line = Array((JobEvent(kind: kind, job: job).json.compact + "\n").utf8)
            _ = line.withUnsafeBytes { Glibc.write(feed, $0.baseAddress, $0.count) }
        }
    }

    /// Output captured in a file.
    struct Capture {
        let path: String
        let fd: Int32
        var sink: OutputSink { OutputSink(descriptor: fd, colors: false) }
        var text: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

        init(in directory: String) {
            path = directory + "/captured"
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        }
    }

    func directory() throws -> String {
        let path = NSTemporaryDirectory() + "gob-await-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func waitsForEveryJobAndPrintsFinishedOnesAtOnce() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let done = Self.job("Done000", pid: 10, status: .stopped, in: dir, exitCode: 2)
        let running = Self.job("Runs000", pid: 11, status: .running, in: dir)
        try write("old\npartial", to: done.stdoutPath)
        try write("", to: done.stderrPath)
        try write("live\nend", to: running.stdoutPath)
        try write("", to: running.stderrPath)
        let feed = Feed()
        defer { close(feed.feed) }
        let capture = Capture(in: dir)
        defer { close(capture.fd) }
        // An end of another process of the same job does not count; the right one does.
        feed.send(.jobStopped, Self.job("Runs000", pid: 99, status: .stopped, in: dir))
        var ended = running
        ended.status = .stopped
        ended.exitCode = 0
        feed.send(.jobStopped, ended)
        let result = JobsAwaiter(jobs: [done, running], events: feed.stream, output: capture.sink, mode: .all, timeoutMilliseconds: 5000, catchesInterrupts: false).run()
        #expect(result.outcome == .ended)
        #expect(result.ended == [true, true])
        #expect(result.endOrder == [0, 1])
        #expect(result.jobs[1].exitCode == 0)
        #expect(capture.text == "[Done000] old\n[Done000] partial\n[Runs000] live\n[Runs000] end\n")
    }

    @Test func anyEndsAtTheFirstEnd() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = Self.job("First00", pid: 20, status: .running, in: dir)
        let second = Self.job("Second0", pid: 21, status: .running, in: dir)
        let feed = Feed()
        defer { close(feed.feed) }
        var ended = second
        ended.status = .stopped
        ended.exitCode = 4
        feed.send(.jobStopped, ended)
        let result = JobsAwaiter(jobs: [first, second], events: feed.stream, output: nil, mode: .any, timeoutMilliseconds: nil, catchesInterrupts: false).run()
        #expect(result.outcome == .ended)
        #expect(result.ended == [false, true])
        #expect(result.endOrder == [1])
    }

    @Test func timeoutAndLostStream() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let running = Self.job("Runs000", pid: 30, status: .running, in: dir)
        let feed = Feed()
        let clock = ContinuousClock()
        let began = clock.now
        let timedOut = JobsAwaiter(jobs: [running], events: feed.stream, output: nil, mode: .all, timeoutMilliseconds: 200, catchesInterrupts: false).run()
        #expect(timedOut.outcome == .timedOut)
        #expect(clock.now - began >= .milliseconds(200))
        #expect(timedOut.ended == [false])
        close(feed.feed)
        let lost = JobsAwaiter(jobs: [running], events: feed.stream, output: nil, mode: .all, timeoutMilliseconds: 5000, catchesInterrupts: false).run()
        #expect(lost.outcome == .daemonStopped)
    }
}
