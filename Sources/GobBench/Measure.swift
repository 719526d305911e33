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
    case readyLatency
    case readyPortLatency
    case idleDaemon
    case concurrentClients
    case portsAll
    case restartInPlace

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
        case .readyLatency: "a job's ready line → `gob add --ready-log` returns"
        case .readyPortLatency: "a job's `listen` → `gob add --ready-port` returns"
        case .idleDaemon: "idle daemon, 1,000 jobs and 100,000 runs: CPU and RSS"
        case .concurrentClients: "100 concurrent clients × 20 `list` requests"
        case .portsAll: "`gob ports --all`, 20 jobs of 5 processes (4 listening) vs `gob list`"
        case .restartInPlace: "`gob daemon restart`, 1,000 running jobs: until `list` answers; 10 clients listing throughout"
        }
    }

    /// The table's `target` cell.
    var target: String {
        switch self {
        case .warmList: "≤ 0.6×"
        case .warmAdd, .warmAddOnDisk: "≤ 0.6×"
        case .coldStart, .coldStartHistory: "≤ 1.0×"
        case .runsHistory: "≤ 1.5×"
        case .listScaling: "≤ 2×"
        case .followLatency, .readyLatency: "median ≤ 5 ms"
        case .readyPortLatency: "median ≤ 20 ms"
        case .stopEventLatency: "median ≤ 2 ms"
        case .idleDaemon: "0 ticks, ≤ 40 MiB"
        case .concurrentClients: "0 failures"
        case .portsAll: "≤ 4×"
        case .restartInPlace: "median ≤ 100 ms, 0 failed requests"
        }
    }
}
