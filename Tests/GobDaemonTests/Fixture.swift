import Foundation
@testable import GobDaemon
import GobProtocol
import Logging

/// A supervisor over a fake launcher, its bus and a temporary runtime directory.
struct SupervisorFixture {
    let launcher = FakeLauncher()
    let bus: EventBus
    let supervisor: JobSupervisor
    let directory: String

    init(
        termGrace: Double = 0.3, killGrace: Double = 0.3, clock: (@Sendable () -> Int64)? = nil,
        record: (any JobRecordWriter)? = nil
    ) {
        directory = NSTemporaryDirectory() + "gob-sup-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        bus = EventBus(queueLimit: 64, logger: logger)
        supervisor = JobSupervisor(
            launcher: launcher, bus: bus, paths: RuntimePaths(directory: directory), record: record,
            logger: logger, clock: clock ?? Timestamp.nowNanoseconds, termGrace: termGrace, killGrace: killGrace)
        launcher.attach(supervisor)
    }

    func spec(_ command: [OSString], workdir: OSString = "/work/a") -> JobSpec {
        JobSpec(command: command, workdir: workdir, environment: ["PATH=/bin"])
    }

    func fileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Waits until the supervisor has handled every exit the fake launcher reported.
    func settled() async -> Bool { await launcher.exitsSettled() }

    /// Blocks until `condition` holds, checking it again whenever the fake launcher
    /// has handed an exit to the supervisor or sent a signal; false after the failsafe
    /// deadline. From async tests, `settled()` waits without holding a thread.
    func eventually(_ condition: () -> Bool) -> Bool {
        launcher.wait(until: Date().addingTimeInterval(60), for: condition)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Collects the events a subscription receives, decoded.
func drainEvents(_ subscription: Subscription) -> [JobEvent] {
    subscription.drain().lines.compactMap { line in
        (try? JSON(parsing: line.dropLast())).flatMap(JobEvent.init(json:))
    }
}
