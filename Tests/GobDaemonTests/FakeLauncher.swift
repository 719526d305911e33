import Foundation
@testable import GobDaemon
import GobProtocol
import Synchronization

/// A process launcher without processes: "processes" are PIDs in a table that die when
/// the test or a signal says so, reporting their end to the supervisor like the reaper.
final class FakeLauncher: ProcessLauncher, @unchecked Sendable {
    // @unchecked: all mutable state is inside `table` (a Mutex) and `gate` (a condition lock).
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
    /// While true, `launch` waits: a spawn stuck on a hung path.
    let blocked = ConditionLock(false)

    func attach(_ supervisor: JobSupervisor) { supervisorBox.withLock { $0 = supervisor } }

    func launch(_ spec: LaunchSpec) throws(LaunchError) -> LaunchedProcess {
        table.withLock { $0.launchesBegun += 1 }
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

    func checkWorkdir(_ workdir: String) throws(LaunchError) {
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
        Thread.detachNewThread { supervisor?.processExited(pid: pid, status: status) }
    }

    var signalsSent: [(pgid: Int32, signal: Int32)] { table.withLock { $0.signals } }
}
