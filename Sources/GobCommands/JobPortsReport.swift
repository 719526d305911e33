import GobProtocol

/// One job of a `ports` reply, and how `gob ports` prints it.
struct JobPortsReport: Equatable {
    var id: String
    var running: Bool
    /// Live processes of its tree.
    var processes: Int
    var ports: [ListeningPort]

    init(id: String, running: Bool, processes: Int, ports: [ListeningPort]) {
        self.id = id
        self.running = running
        self.processes = processes
        self.ports = ports
    }

    init?(json: JSON) {
        guard let id = json["id"]?.stringValue else { return nil }
        self.init(
            id: id, running: json["status"]?.stringValue == JobSnapshot.Status.running.rawValue,
            processes: Int(json["processes"]?.intValue ?? 0), ports: ListeningPort.list(json: json["ports"]))
    }

    /// One job's ports, or the line that says why there are none.
    static func text(of job: JobPortsReport, id: String) -> String {
        if job.ports.isEmpty {
            if job.running { return "Job \(id) has no listening ports\n" }
            if job.processes == 0 { return "Job \(id) is not running\n" }
            let left = job.processes == 1 ? "1 process it left has" : "\(job.processes) processes it left have"
            return "Job \(id) is not running; \(left) no listening ports\n"
        }
        var table = TextTable(columns: portColumns)
        table.rows = job.ports.map(cells)
        return table.text
    }

    /// The ports of several jobs, with a JOB column, or the line that says why there
    /// are none.
    static func text(of jobs: [JobPortsReport]) -> String {
        if jobs.isEmpty { return "No running jobs\n" }
        var table = TextTable(columns: [TextTable.Column(title: "JOB")] + portColumns)
        for job in jobs {
            table.rows += job.ports.map { [job.id] + cells($0) }
        }
        if table.rows.isEmpty { return "No listening ports\n" }
        return table.text
    }

    private static let portColumns = [
        TextTable.Column(title: "PORT", rightAligned: true), TextTable.Column(title: "PROTO"),
        TextTable.Column(title: "ADDRESS"), TextTable.Column(title: "PID", rightAligned: true),
    ]

    private static func cells(_ port: ListeningPort) -> [String] {
        [String(port.port), port.transport.rawValue, port.address, String(port.pid)]
    }
}
