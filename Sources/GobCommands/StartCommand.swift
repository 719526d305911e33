import ArgumentParser
import GobProtocol

/// `gob start <job_id>`: run a stopped job's command again (contract §2.7).
struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a stopped job",
        usage: "gob start [--follow] [--json] <job_id>",
        discussion: """
            Starts a stopped job again: same ID, same command, same directory, a new \
            process with this shell's environment. Its stdout and stderr logs are cleared \
            first. A running job is not touched (use `gob restart`). Any job ID works, \
            from any directory.

            With --follow, gob then prints the job's output until it ends and exits with \
            its exit code (128+N when signal N killed it); Ctrl+C stops following and \
            leaves the job running.

            With --json, prints the started job as one JSON object instead (with \
            --follow: once it has ended, without its output).

            Examples:
              gob start V3x0QqI
              gob start -f V3x0QqI
              gob start --json V3x0QqI

            Output:
              Started job V3x0QqI with PID 29104 running: make watch

            Exit status: 0 on success, 1 on any error (for example "job V3x0QqI is \
            already running (use 'gob restart' to restart a running job)"); with \
            --follow, the job's exit code.
            """)

    @Flag(name: .shortAndLong, help: "Follow output until job completes")
    var follow = false

    @Flag(help: "Print the job as one JSON object")
    var json = false

    @Argument(help: ArgumentHelp("The ID of the job to start", valueName: "job_id"),
              completion: .custom(JobCompletion.firstJobID))
    var arguments: [String] = []

    func run() throws {
        let jobID = try ArgumentCount.exactlyOne(arguments)
        let wording = DaemonSession.ErrorWording.verbatim
        let request = Request.start(jobID: jobID, environment: OSString.environment())
        // The job's workdir is not known yet: listen to all, the follow picks its process.
        let events = follow ? try JobFollowSupport.subscribe(workdir: nil) : nil
        let job = try DaemonSession().send(request, wording: wording).requireJob(wording: wording)
        if json {
            guard let events else { return Console.json(job.json) }
            return try JobFollowSupport.awaitAsJSON(job, events: events)
        }
        Console.line("Started job \(job.id) with PID \(job.pid) running: \(job.commandLine)")
        if let events { try JobFollowSupport.follow(job, events: events) }
    }
}
