import Glibc
@testable import GobDaemon
import GobSystem
import Testing

/// The request queue of the readiness watcher's and the log limiter's threads.
@Suite("Wakeable inbox", .timeLimit(.minutes(1)))
struct WakeableInboxTests {
    /// Bytes waiting in the pipe behind `fd`.
    static func pending(_ fd: Int32) -> Int32 {
        var count: Int32 = 0
        _ = ioctl(fd, UInt(FIONREAD), &count)
        return count
    }

    @Test func aBatchOfRequestsWakesTheThreadOnce() throws {
        let inbox = WakeableInbox<Int>()
        let wake = ConditionLock<Int32?>(nil)
        let done = ConditionLock(false)
        let failure = inbox.send(1, starting: true) { wakeFD, inotify, _ in
            wake.withLockBroadcasting { $0 = wakeFD }
            _ = done.wait { $0 ? true : nil }
            Descriptor.close(wakeFD)
            if inotify >= 0 { InotifyInstances.close(inotify) }
        }
        #expect(failure == nil)
        let unused: @Sendable (Int32, Int32, SystemError?) -> Void = { _, _, _ in Issue.record("a second thread") }
        let started: Int32? = wake.wait(until: MonotonicClock.now() + MonotonicClock.seconds(30)) { $0 }
        let fd = try #require(started, "the thread never ran")
        defer { done.withLockBroadcasting { $0 = true } }
        // The start needs no byte: the new thread takes what is queued first.
        _ = inbox.send(2, starting: true, thread: unused)
        _ = inbox.send(3, starting: false, thread: unused)
        #expect(Self.pending(fd) == 0, "queued behind requests the thread has not taken")
        #expect(inbox.take() == [1, 2, 3])
        #expect(inbox.take() == [])
        _ = inbox.send(4, starting: false, thread: unused)
        _ = inbox.send(5, starting: true, thread: unused)
        #expect(Self.pending(fd) == 1, "one byte for the batch")
        #expect(inbox.take() == [4, 5])
    }

    @Test func withoutAThreadARequestThatDoesNotStartOneIsDropped() {
        let inbox = WakeableInbox<Int>()
        let unused: @Sendable (Int32, Int32, SystemError?) -> Void = { _, _, _ in Issue.record("a thread") }
        #expect(inbox.send(7, starting: false, thread: unused) == nil)
        #expect(inbox.take() == [], "nothing to undo in a thread that never ran")
    }
}
