import ArgumentParser
import GobProtocol

/// `gob restart <job_id>`: stop a job if it runs, then start it (contract §2.8).
struct RestartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Restart a job (stop + start)",
        usage: "gob restart [--follow] [--json] <job_id>",
        discussion: """
            Stops the job if it is running (SIGTERM to its process group, SIGKILL after \
            10 seconds), clears its logs and starts its command again with the same ID \
            and this shell's environment. On a stopped job it is the same as `gob start`. \
            Any job ID works, from any directory.

            With --follow, gob then prints the job's output until it ends and exits with \
            its exit code (128+N when signal N killed it); Ctrl+C stops following and \
            leaves the job running.

            With --json, prints the restarted job as one JSON object instead (with \
            --follow: once it has ended, without its output).

            Examples:
              gob restart V3x0QqI
              gob restart -f V3x0QqI
              gob restart --json V3x0QqI

            Output:
              Restarted job V3x0QqI with new PID 29377 running: make watch

            Exit status: 0 on success, 1 on any error (for example "job not found: \
            V3x0QqI"); with --follow, the job's exit code.
            """)

    @Flag(name: .shortAndLong, help: "Follow output until job completes")
    var follow = false

    @Flag(help: "Print the job as one JSON object")
    var json = false

    @Argument(help: ArgumentHelp("The ID of the job to restart", valueName: "job_id"),
              completion: .custom(JobCompletion.firstJobID))
    var arguments: [String] = []

    func run() throws {
        let jobID = try ArgumentCount.exactlyOne(arguments)
        let wording = DaemonSession.ErrorWording.verbatim
        let request = Request.restart(jobID: jobID, environment: OSString.environment())
        // The job's workdir is not known yet: listen to all, the follow picks its process.
        let events = follow ? try JobFollowSupport.subscribe(workdir: nil) : nil
        let job = try DaemonSession().send(request, wording: wording).requireJob(wording: wording)
        if json {
            guard let events else { return Console.json(job.json) }
            return try JobFollowSupport.awaitAsJSON(job, events: events)
        }
        Console.line("Restarted job \(job.id) with new PID \(job.pid) running: \(job.commandLine)")
        if let events { try JobFollowSupport.follow(job, events: events) }
    }
}
