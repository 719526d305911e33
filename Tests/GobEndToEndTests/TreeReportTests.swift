@testable import GobCommands
import GobProtocol
import Testing

/// How `ports`, `ps` and `list` print what the daemon found: the exact layouts the help
/// texts and docs show.
@Suite("Process and port reports")
struct TreeReportTests {
    static let ports = [
        ListeningPort(port: 5173, transport: .tcp, address: "127.0.0.1", pid: 28978),
        ListeningPort(port: 24678, transport: .tcp, address: "::1", pid: 28990),
    ]

    @Test func portsOfOneJob() {
        let job = JobPortsReport(id: "k3v", running: true, processes: 3, ports: Self.ports)
        #expect(JobPortsReport.text(of: job, id: "k3v") == """
             PORT  PROTO  ADDRESS      PID
             5173  tcp    127.0.0.1  28978
            24678  tcp    ::1        28990

            """)
        #expect(JobPortsReport.text(of: JobPortsReport(id: "k3v", running: true, processes: 1, ports: []), id: "k3v")
            == "Job k3v has no listening ports\n")
        #expect(JobPortsReport.text(of: JobPortsReport(id: "k3v", running: false, processes: 0, ports: []), id: "k3v")
            == "Job k3v is not running\n")
        #expect(JobPortsReport.text(of: JobPortsReport(id: "k3v", running: false, processes: 2, ports: []), id: "k3v")
            == "Job k3v is not running; 2 processes it left have no listening ports\n")
    }

    @Test func portsOfSeveralJobs() {
        let jobs = [
            JobPortsReport(id: "k3v", running: true, processes: 3, ports: Self.ports),
            JobPortsReport(id: "b7q", running: true, processes: 1, ports: []),
            JobPortsReport(id: "x2m", running: true, processes: 1, ports: [
                ListeningPort(port: 5353, transport: .udp, address: "0.0.0.0", pid: 301),
            ]),
        ]
        #expect(JobPortsReport.text(of: jobs) == """
            JOB   PORT  PROTO  ADDRESS      PID
            k3v   5173  tcp    127.0.0.1  28978
            k3v  24678  tcp    ::1        28990
            x2m   5353  udp    0.0.0.0      301

            """)
        #expect(JobPortsReport.text(of: []) == "No running jobs\n")
        #expect(JobPortsReport.text(of: [jobs[1]]) == "No listening ports\n")
        #expect(ListeningPort.summary(Self.ports + jobs[2].ports) == ":5173 :5353/udp :24678")
        #expect(ListeningPort.summary(Self.ports + [ListeningPort(port: 5173, transport: .udp, address: "::", pid: 1)])
            == ":5173 :24678", "a number TCP uses is shown once")
    }

    @Test func aProcessTree() {
        func process(_ pid: Int32, _ ppid: Int32, cpu: Int64, rss: Int64, _ command: [OSString], depth: Int) -> JobProcess {
            JobProcess(pid: pid, ppid: ppid, pgid: 28978, state: "S", cpuMilliseconds: cpu, rssBytes: rss, name: "x",
                       command: command, depth: depth)
        }
        let tree = [
            process(28978, 28901, cpu: 400, rss: 46_347_264, ["npm", "run", "dev"], depth: 0),
            process(28990, 28978, cpu: 100, rss: 3_250_585, ["sh", "-c", "vite"], depth: 1),
            process(29001, 28990, cpu: 12_500, rss: 125_829_120, ["node", "vite"], depth: 2),
            process(29044, 28901, cpu: 0, rss: 2_097_152, [], depth: 0),
        ]
        #expect(ProcessTreeReport.text(tree, columns: nil, unicode: true) == """
              PID   PPID  STATE    CPU   RSS  COMMAND
            28978  28901  S       0.4s   44M  npm run dev
            28990  28978  S       0.1s  3.1M  \\_ sh -c vite
            29001  28990  S      12.5s  120M     \\_ node vite
            29044  28901  S       0.0s  2.0M  [x]

            """)
        let cut = ProcessTreeReport.text(Array(tree.prefix(1)), columns: 30, unicode: true)
        #expect(cut.split(separator: "\n").allSatisfy { $0.count <= 30 }, "\(cut)")
        #expect(ProcessTreeReport.size(812 * 1024) == "812K")
        #expect(ProcessTreeReport.size(1_288_490_189) == "1.2G")
    }

    @Test func theListLineCarriesTheRunningJobsPorts() {
        var job = JobSnapshot(id: "k3v", pid: 28978, status: .running, command: ["npm", "run", "dev"], workdir: "/w",
                              createdAt: "", stdoutPath: "", stderrPath: "", description: "web UI", ports: Self.ports)
        let style = Invocation.ListStyle(columns: nil, unicode: true, colors: false)
        #expect(Invocation.listText([job], showDirectory: false, style: style, nowSeconds: 0)
            == "k3v: [28978] running: npm run dev\n    web UI  :5173 :24678\n")
        job.description = nil
        #expect(Invocation.listText([job], showDirectory: false, style: style, nowSeconds: 0) == "k3v: [28978] running: npm run dev\n    :5173 :24678\n")
        job.status = .stopped
        #expect(Invocation.listText([job], showDirectory: false, style: style, nowSeconds: 0) == "k3v: [28978] stopped: npm run dev\n")
    }
}
