import ArgumentParser
import GobProtocol

/// `gob ps <job_id> [--json]`: a job's process tree.
struct PsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps",
        abstract: "Show a job's processes",
        usage: "gob ps [--json] <job_id>",
        discussion: """
            Shows every process of a job's tree, as `docker top` shows a container's: \
            the job's main process and everything that descends from it, whatever \
            process group or session it moved to, and the processes the daemon adopted \
            when their parent ended (their parent is then the daemon). Each child is \
            indented under its parent. These are the processes `gob stop` ends.

            Columns: PID, its parent's PID, its state (R running, S sleeping, D in \
            uninterruptible sleep, T stopped, Z ended, not yet reaped), the CPU time it \
            has used, its resident memory, and its command. On a terminal, commands are \
            cut to its width.

            Examples:
              gob ps k3v
              gob ps --json k3v

            Output:
                PID   PPID  STATE    CPU   RSS  COMMAND
              28978  28901  S       0.4s   44M  npm run dev
              28990  28978  S       0.1s  3.1M  \\_ sh -c vite
              29001  28990  S      12.5s  120M     \\_ node vite
            A job with no process left: Job k3v is not running. Memory is in KiB (K), \
            MiB (M) or GiB (G).
            --json prints one object: {"id", "status", "processes": [{"pid", "ppid", \
            "pgid", "state", "cpu_ms", "rss_bytes", "depth", "name", "command"}]}.

            Exit status: 0 on success; 1 on an error (for example "job not found: k3v").
            """)

    @Flag(help: "Output in JSON format")
    var json = false

    @Argument(help: ArgumentHelp("The job ID", valueName: "job_id"), completion: .custom(JobCompletion.runningJobIDFirst))
    var arguments: [String] = []

    func run() throws {
        let jobID = try ArgumentCount.jobID(arguments)
        let wording = DaemonSession.ErrorWording.verbatim
        let response = try DaemonSession().send(.processes(jobID: jobID), wording: wording)
        let job = try response.requireJob(wording: wording)
        guard let elements = response["processes"]?.arrayValue else { throw DaemonSession.missing("processes", wording: wording) }
        if json {
            return Console.json(.object([
                ("id", .string(job.id)), ("status", .string(job.status.rawValue)), ("processes", .array(elements)),
            ]))
        }
        let processes = elements.compactMap(JobProcess.init(json:))
        guard !processes.isEmpty else { return Console.line("Job \(jobID) is not running") }
        let style = Invocation.ListStyle.current()
        Console.out(ProcessTreeReport.text(processes, columns: style.columns, unicode: style.unicode))
    }
}
