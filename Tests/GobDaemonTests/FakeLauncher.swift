import Foundation
@testable import GobDaemon
import GobProtocol
import GobTestSupport
import Synchronization

/// A process launcher without processes: "processes" are PIDs in a table that die when
/// the test or a signal says so, reporting their end to the supervisor like the reaper.
final class FakeLauncher: ProcessLauncher, @unchecked Sendable {
    // @unchecked: all mutable state is inside `table` (a Mutex) or guarded by `progress`.
    struct Process {
        var spec: LaunchSpec
        var alive = true
        var ignoresTerm = false
        var unkillable = false
    }

    struct Table {
        var processes: [Int32: Process] = [:]
        var nextPID: Int32 = 10_000
        var signals: [(pgid: Int32, signal: Int32)] = []
        var failNext: LaunchError?
        var ignoreTermNext = false
        var unkillableNext = false
    }

    let table = Mutex(Table())
    private let supervisorBox = Mutex<JobSupervisor?>(nil)
    /// Exits reported, and exits the supervisor has finished handling.
    private let exitsReported = Mutex(0)
    private let exitsHandled = AsyncCounter()
    /// Signals sent to any group, for tests that wait until a stop has begun.
    let signalCount = AsyncCounter()
    /// Counts every exit handled and signal sent, for threads that wait for either.
    private let progress = NSCondition()
    private var steps = 0

    func attach(_ supervisor: JobSupervisor) { supervisorBox.withLock { $0 = supervisor } }

    func launch(_ spec: LaunchSpec) throws(LaunchError) -> LaunchedProcess {
        // Like the real launcher: log files exist once a launch was tried.
        _ = FileManager.default.createFile(atPath: spec.stdoutPath, contents: Data())
        _ = FileManager.default.createFile(atPath: spec.stderrPath, contents: Data())
        let result: Result<Int32, LaunchError> = table.withLock { table in
            if let failure = table.failNext {
                table.failNext = nil
                return .failure(failure)
            }
            let pid = table.nextPID
            table.nextPID += 1
            table.processes[pid] = Process(
                spec: spec, ignoresTerm: table.ignoreTermNext, unkillable: table.unkillableNext)
            table.ignoreTermNext = false
            table.unkillableNext = false
            return .success(pid)
        }
        return LaunchedProcess(pid: try result.get(), startTime: 1)
    }

    func signalGroup(_ pgid: Int32, _ signal: Int32) -> Int32 {
        guard (0...64).contains(signal) else { return EINVAL }
        defer {
            signalCount.increment()
            advance()
        }
        let dies = table.withLock { table -> Bool in
            table.signals.append((pgid, signal))
            guard var process = table.processes[pgid], process.alive else { return false }
            if signal == 0 || process.unkillable || (signal == SIGTERM && process.ignoresTerm) { return false }
            guard signal == SIGTERM || signal == SIGKILL || signal == SIGINT else { return false }
            process.alive = false
            table.processes[pgid] = process
            return true
        }
        if dies { report(pid: pgid, status: signal) }
        return table.withLock { $0.processes[pgid] == nil } ? ESRCH : 0
    }

    func groupExists(_ pgid: Int32) -> Bool {
        table.withLock { $0.processes[pgid]?.alive ?? false }
    }

    /// Ends a process on its own with an exit code.
    func exit(_ pid: Int32, code: Int32) {
        table.withLock { $0.processes[pid]?.alive = false }
        report(pid: pid, status: code << 8)
    }

    /// Reports an end from another thread, as the reaper does.
    private func report(pid: Int32, status: Int32) {
        let supervisor = supervisorBox.withLock { $0 }
        exitsReported.withLock { $0 += 1 }
        Thread.detachNewThread { [self] in
            supervisor?.processExited(pid: pid, status: status)
            exitsHandled.increment()
            advance()
        }
    }

    /// Waits until the supervisor has handled every exit reported so far (its table and
    /// events show them): true; false after the failsafe deadline.
    func exitsSettled() async -> Bool {
        await exitsHandled.wait(atLeast: exitsReported.withLock { $0 })
    }

    /// Blocks until `condition` holds, checking it again after each exit handled and each
    /// signal sent (the only ways the fake moves on by itself); false when it still does
    /// not hold at `deadline`.
    func wait(until deadline: Date, for condition: () -> Bool) -> Bool {
        while true {
            let seen = progress.withLock { steps }
            if condition() { return true }
            let movedOn = progress.withLock {
                while steps == seen {
                    if !progress.wait(until: deadline) { return false }
                }
                return true
            }
            if !movedOn { return condition() }
        }
    }

    private func advance() {
        progress.lock()
        steps += 1
        progress.broadcast()
        progress.unlock()
    }

    var signalsSent: [(pgid: Int32, signal: Int32)] { table.withLock { $0.signals } }
}
