import ArgumentParser
import GobProtocol

/// `gob restart <job_id>`: stop a job if it runs, then start it.
struct RestartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Restart a job (stop + start)",
        usage: "gob restart [--follow] [--quiet] [--json] <job_id>",
        discussion: """
            Stops the job if it is running (SIGTERM to its processes, SIGKILL after 10 \
            seconds, as `gob stop`), clears its logs and starts its command again with \
            the same ID and this shell's environment. When a process of the job \
            survives, the restart fails and starts nothing. On a stopped job it is the same as `gob \
            start`. When the job's directory is gone, nothing is stopped and the restart \
            fails. Any job ID works, from any directory.

            With --follow, gob then prints the job's output until it ends and exits with \
            its exit code (128+N when signal N killed it); Ctrl+C stops following and \
            leaves the job running. --quiet prints nothing when the job was restarted. \
            --json prints the restarted job as one JSON object instead (with --follow: \
            once it has ended, without its output).

            Examples:
              gob restart k3v
              gob restart -f k3v
              gob restart --json k3v

            Output:
              Restarted job k3v with new PID 29377 running: make watch

            Exit status: 0 on success; 1 on an error (for example "job not found: \
            k3v"); with --follow, the job's exit code.
            """)

    @Flag(name: .shortAndLong, help: "Follow output until job completes")
    var follow = false

    @Flag(name: .shortAndLong, help: "Print nothing when the job was restarted")
    var quiet = false

    @Flag(help: "Print the job as one JSON object")
    var json = false

    @Argument(help: ArgumentHelp("The ID of the job to restart", valueName: "job_id"),
              completion: .custom(JobCompletion.firstJobID))
    var arguments: [String] = []

    func run() throws {
        let jobID = try ArgumentCount.jobID(arguments)
        let request = Request.restart(jobID: jobID, environment: OSString.environment(), settings: .current())
        try JobFollowSupport.startProcess(request, follow: follow, quiet: quiet, json: json) { job in
            "Restarted job \(job.id) with new PID \(job.pid) running: \(job.commandLine)"
        }
    }
}
