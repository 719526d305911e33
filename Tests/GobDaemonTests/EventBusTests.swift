import Foundation
@testable import GobDaemon
import GobProtocol
import Logging
import Testing

@Suite("Event bus")
struct EventBusTests {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func event(_ kind: JobEvent.Kind, id: String, workdir: OSString) -> JobEvent {
        JobEvent(kind: kind, job: JobSnapshot(
            id: id, pid: 42, status: .running, command: ["x"], workdir: workdir,
            createdAt: "2026-11-26T14:03:51Z", stdoutPath: "/o", stderrPath: "/e"))
    }

    @Test func deliversInOrderAndFiltersByWorkdir() throws {
        let bus = EventBus(queueLimit: 16, logger: logger)
        let all = try #require(bus.subscribe(workdir: nil))
        let onlyA = try #require(bus.subscribe(workdir: "/a"))
        bus.publish(event(.jobAdded, id: "1", workdir: "/a"))
        bus.publish(event(.jobAdded, id: "2", workdir: "/b"))
        bus.publish(event(.jobStopped, id: "1", workdir: "/a"))
        #expect(drainEvents(all).map { "\($0.kind.rawValue):\($0.job.id)" } == ["job_added:1", "job_added:2", "job_stopped:1"])
        #expect(drainEvents(onlyA).map(\.job.id) == ["1", "1"])
        #expect(bus.subscriberCount == 2)
        bus.unsubscribe(all)
        bus.unsubscribe(onlyA)
        #expect(bus.subscriberCount == 0)
    }

    @Test func aSubscriberThatStopsReadingIsDroppedWithoutHurtingOthers() throws {
        let bus = EventBus(queueLimit: 8, logger: logger)
        let slow = try #require(bus.subscribe(workdir: nil))
        let fast = try #require(bus.subscribe(workdir: nil))
        var received = 0
        for n in 0..<100 {
            bus.publish(event(.jobAdded, id: "\(n)", workdir: "/a"))
            received += drainEvents(fast).count
        }
        #expect(received == 100)
        let (lines, finished) = slow.drain()
        #expect(finished, "the overflowing subscriber is told to end")
        #expect(lines.isEmpty)
    }

    @Test func closeAllFinishesEverySubscription() throws {
        let bus = EventBus(queueLimit: 8, logger: logger)
        let one = try #require(bus.subscribe(workdir: nil))
        bus.closeAll()
        #expect(one.drain().finished)
        #expect(bus.subscriberCount == 0)
    }
}
