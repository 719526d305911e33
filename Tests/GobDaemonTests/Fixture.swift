import Foundation
@testable import GobDaemon
import GobProtocol
import GobStore
import Logging

/// A supervisor over a fake launcher, its bus, a temporary runtime directory (`directory`)
/// and, beside it, the runs' logs (`directory/logs`).
struct SupervisorFixture {
    let launcher = FakeLauncher()
    let bus: EventBus
    let supervisor: JobSupervisor
    let directory: String

    /// How the fixture keeps jobs: without a store, in a store double, or in a real
    /// database in its directory.
    enum Keeping {
        case none
        case double(any JobStore)
        case database
    }

    init(
        termGrace: Double = 0.3, killGrace: Double = 0.3, clock: (@Sendable () -> Int64)? = nil,
        keeping: Keeping = .none, retention: LogRetention = LogRetention(), bootID: String = "test-boot"
    ) {
        let directory = NSTemporaryDirectory() + "gob-sup-" + UUID().uuidString
        self.directory = directory
        try? FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        bus = EventBus(queueLimit: 64, logger: logger)
        let store: (any JobStore)?
        switch keeping {
        case .none: store = nil
        case let .double(double): store = double
        case .database: store = try? Store.open(path: directory + "/state.db")
        }
        supervisor = JobSupervisor(
            launcher: launcher, bus: bus, paths: RuntimePaths(directory: directory), store: store,
            logs: LogFiles(directory: directory + "/logs"), retention: retention, bootID: bootID,
            logger: logger, clock: clock ?? Timestamp.nowNanoseconds, termGrace: termGrace, killGrace: killGrace)
        launcher.attach(supervisor)
    }

    /// The names of the run logs in `directory/logs`.
    var runLogs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/logs")) ?? []).sorted()
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
