import ArgumentParser
import GobProtocol

/// `gob start <job_id>`: run a stopped job's command again.
struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a stopped job",
        usage: "gob start [--follow] [--quiet] [--json] <job_id>",
        discussion: """
            Starts a stopped job again: same ID, same command, same directory, a new \
            process with this shell's environment. It is the job's next run, with \
            stdout and stderr logs of its own (`gob runs` lists the earlier ones); once \
            3 or more runs succeeded, a second line says how long it usually takes. A \
            running job is not touched (use `gob restart`). Any job ID \
            works, from any directory.

            With --follow, gob then prints the job's output until it ends and exits with \
            its exit code (128+N when signal N killed it); Ctrl+C stops following and \
            leaves the job running. --quiet prints nothing when the job was started. \
            --json prints the started job as one JSON object instead (with --follow: \
            once it has ended, without its output).

            Examples:
              gob start k3v
              gob start -f k3v
              gob start --json k3v

            Output:
              Started job k3v with PID 29104 running: make watch
              Expected ~1m30s (up to 2m10s); 11 of 12 runs succeeded

            Exit status: 0 on success; 1 on an error (for example "job k3v is already \
            running (use 'gob restart' to restart a running job)"); with --follow, the \
            job's exit code.
            """)

    @Flag(name: .shortAndLong, help: "Follow output until job completes")
    var follow = false

    @Flag(name: .shortAndLong, help: "Print nothing when the job was started")
    var quiet = false

    @Flag(help: "Print the job as one JSON object")
    var json = false

    @Argument(help: ArgumentHelp("The ID of the job to start", valueName: "job_id"),
              completion: .custom(JobCompletion.stoppedJobIDFirst))
    var arguments: [String] = []

    func run() throws {
        let jobID = try ArgumentCount.jobID(arguments)
        let request = Request.start(jobID: jobID, environment: OSString.environment(), settings: .current())
        try JobFollowSupport.startProcess(request, follow: follow, quiet: quiet, json: json) { job in
            "Started job \(job.id) with PID \(job.pid) running: \(job.commandLine)"
        }
    }
}
