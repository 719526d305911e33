import Foundation
@testable import GobDaemon
import GobProtocol
import GobTestSupport
import Synchronization

/// A process launcher without processes: "processes" are PIDs in a table that die when
/// the test or a signal says so, reporting their end to the supervisor like the reaper.
final class FakeLauncher: ProcessLauncher, @unchecked Sendable {
    // @unchecked: all mutable state is inside `table` (a Mutex), `blocked` (a condition
    // lock) or guarded by `progress`.
    struct Process {
        var spec: LaunchSpec
        var alive = true
        var ignoresTerm = false
        var unkillable = false
        /// Members of its group other than the leader that are still alive.
        var members = 0
    }

    struct Table {
        var processes: [Int32: Process] = [:]
        var nextPID: Int32 = 10_000
        var signals: [(pgid: Int32, signal: Int32)] = []
        var failNext: LaunchError?
        var ignoreTermNext = false
        var unkillableNext = false
        var membersNext = 0
        /// Launches that have begun (and, while blocked, wait).
        var launchesBegun = 0
        /// Exits to report before `launch` returns: as if the reaper were quicker.
        var exitBeforeReturn: Int32?
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
    /// While true, `launch` waits: a spawn stuck on a hung path.
    let blocked = ConditionLock(false)

    func attach(_ supervisor: JobSupervisor) { supervisorBox.withLock { $0 = supervisor } }

    func launch(_ spec: LaunchSpec) throws(LaunchError) -> LaunchedProcess {
        table.withLock { $0.launchesBegun += 1 }
        advance()
        _ = blocked.wait { $0 ? nil : true }
        // Like the real launcher: log files exist once a launch was tried.
        _ = FileManager.default.createFile(atPath: spec.stdoutPath, contents: Data())
        _ = FileManager.default.createFile(atPath: spec.stderrPath, contents: Data())
        let result: Result<(Int32, Int32?), LaunchError> = table.withLock { table in
            if let failure = table.failNext {
                table.failNext = nil
                return .failure(failure)
            }
            let pid = table.nextPID
            table.nextPID += 1
            table.processes[pid] = Process(
                spec: spec, ignoresTerm: table.ignoreTermNext, unkillable: table.unkillableNext,
                members: table.membersNext)
            table.ignoreTermNext = false
            table.unkillableNext = false
            table.membersNext = 0
            defer { table.exitBeforeReturn = nil }
            return .success((pid, table.exitBeforeReturn))
        }
        let (pid, early) = try result.get()
        if let early {
            table.withLock { $0.processes[pid]?.alive = false }
            supervisorBox.withLock { $0 }?.processExited(pid: pid, status: early << 8)
        }
        return LaunchedProcess(pid: pid, startTime: 1)
    }

    func signalGroup(of process: LaunchedProcess, _ signal: Int32) -> Int32 {
        let pgid = process.pid
        guard (0...64).contains(signal) else { return EINVAL }
        defer {
            signalCount.increment()
            advance()
        }
        let dies = table.withLock { table -> Bool in
            table.signals.append((pgid, signal))
            guard var process = table.processes[pgid], process.alive || process.members > 0 else { return false }
            if signal == 0 || process.unkillable || (signal == SIGTERM && process.ignoresTerm) { return false }
            guard signal == SIGTERM || signal == SIGKILL || signal == SIGINT else { return false }
            process.members = 0
            let leaderDies = process.alive
            process.alive = false
            table.processes[pgid] = process
            return leaderDies
        }
        if dies { report(pid: pgid, status: signal) }
        return table.withLock { $0.processes[pgid] == nil } ? ESRCH : 0
    }

    func groupHasLiveMembers(_ process: LaunchedProcess) -> Bool {
        table.withLock { table in table.processes[process.pid].map { $0.alive || $0.members > 0 } ?? false }
    }

    func groupMayHaveMembers(_ process: LaunchedProcess) -> Bool { groupHasLiveMembers(process) }

    func checkWorkdir(_ workdir: OSString) throws(LaunchError) {
        if workdir.hasPrefix("/missing") { throw LaunchError("working directory \(workdir) does not exist") }
    }

    /// Ends a process on its own with an exit code.
    func exit(_ pid: Int32, code: Int32) {
        table.withLock { $0.processes[pid]?.alive = false }
        report(pid: pid, status: code << 8)
    }

    /// Ends the members a leader left behind, unannounced (they were not our children).
    func endMembers(of pid: Int32) {
        table.withLock { $0.processes[pid]?.members = 0 }
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

    /// Blocks until `condition` holds, checking it again after each launch begun, exit
    /// handled and signal sent (the ways the fake moves on) and whenever a double calls
    /// `advance()`; false when it still does not hold at `deadline`. The supervisor records
    /// a launch and applies an exit a moment after the fake's step, so each wait for a
    /// step also ends after 20 ms and looks again: a condition that became true just after
    /// the last step is never waited out to the failsafe deadline.
    func wait(until deadline: Date, for condition: () -> Bool) -> Bool {
        while true {
            let seen = progress.withLock { steps }
            if condition() { return true }
            if Date() >= deadline { return false }
            progress.withLock {
                if steps == seen { _ = progress.wait(until: min(deadline, Date().addingTimeInterval(0.02))) }
            }
        }
    }

    /// Wakes every `wait(until:for:)`: something a test waits for may have changed.
    func advance() {
        progress.lock()
        steps += 1
        progress.broadcast()
        progress.unlock()
    }

    var signalsSent: [(pgid: Int32, signal: Int32)] { table.withLock { $0.signals } }
}
