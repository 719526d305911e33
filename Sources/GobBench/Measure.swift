/// The measures, in table order, with their titles and targets.
enum Measure: CaseIterable {
    case warmList
    case warmAdd
    case warmAddOnDisk
    case coldStart
    case coldStartHistory
    case runsHistory
    case listScaling
    case followLatency
    case stopEventLatency
    case idleDaemon
    case concurrentClients

    /// The table's `measure` cell.
    var title: String {
        switch self {
        case .warmList: "warm `gob list`, 10 jobs with 10,000 runs of history (whole process)"
        case .warmAdd: "warm `gob add -- sleep 100`"
        case .warmAddOnDisk: "warm `gob add -- sleep 100`, runtime directory on disk (no `XDG_RUNTIME_DIR`: `/tmp`)"
        case .coldStart: "cold first command: `gob ping` (auto-starts the daemon)"
        case .coldStartHistory: "cold `gob ping`, 1,000 jobs and 100,000 runs stored"
        case .runsHistory: "`gob runs <id>` of a job with 10,000 runs"
        case .listScaling: "`gob list --json`, 1,000 jobs vs 10 jobs"
        case .followLatency: "a job's line → printed by `gob stdout -f`"
        case .stopEventLatency: "job exit → `job_stopped` at a subscriber"
        case .idleDaemon: "idle daemon, 1,000 jobs and 100,000 runs: CPU and RSS"
        case .concurrentClients: "100 concurrent clients × 20 `list` requests"
        }
    }

    /// The table's `target` cell (issue 6).
    var target: String {
        switch self {
        case .warmList: "≤ 0.6×"
        case .warmAdd, .warmAddOnDisk: "≤ 0.6×"
        case .coldStart, .coldStartHistory: "≤ 1.0×"
        case .runsHistory: "≤ 1.5×"
        case .listScaling: "≤ 2×"
        case .followLatency: "median ≤ 5 ms"
        case .stopEventLatency: "median ≤ 2 ms"
        case .idleDaemon: "0 ticks, ≤ 40 MiB"
        case .concurrentClients: "0 failures"
        }
    }
}
