import ArgumentParser
import GobProtocol

/// `gob remove <job_id>`: forget a stopped job with its history and logs; `gob remove
/// <run_id>`: delete one earlier run.
struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a stopped job, or one earlier run, and its logs",
        usage: "gob remove [--json] <job_id | run_id>",
        discussion: """
            Removes a stopped job: its record, all its runs and all their stdout and \
            stderr logs are deleted. Only stopped jobs can be removed; stop a running \
            job first. Unlike `gob cleanup`, an unknown ID is an error. Any job ID \
            works, from any directory.

            Given a run ID (<job>-<n>, as `gob runs` shows), removes that one run and \
            its logs, keeping the job and its other runs. The job's latest run cannot \
            be removed this way (the job shows it): remove the job.

            With --json, prints the removed job (or run), as it was, as one JSON object \
            instead.

            Examples:
              gob remove k3v
              gob remove k3v-3
              gob remove --json k3v

            Output:
              Removed job k3v (PID 28978)
              Removed run k3v-3

            Exit status: 0 on success; 1 on an error (for example "cannot remove \
            running job: k3v (use 'stop' first)").
            """)

    @Flag(help: "Print the removed job or run as one JSON object")
    var json = false

    @Argument(help: ArgumentHelp("The ID of the job, or of one of its runs, to remove", valueName: "job_id"),
              completion: .custom(JobCompletion.stoppedJobIDFirst))
    var arguments: [String] = []

    func run() throws {
        let jobID = try ArgumentCount.jobID(arguments)
        let wording = DaemonSession.ErrorWording.verbatim
        if RunID.parse(jobID) != nil {
            let response = try DaemonSession().send(.removeRun(runID: jobID), wording: wording)
            guard let run = response["run"].flatMap(RunSnapshot.init(json:)) else {
                throw DaemonSession.missing("run", wording: wording)
            }
            if json { return Console.json(run.json) }
            return Console.line("Removed run \(run.id)")
        }
        let response = try DaemonSession().send(.remove(jobID: jobID), wording: wording)
        if json { return Console.json(try response.requireJob(wording: wording).json) }
        let pid = try response.integer("pid", wording: wording)
        Console.line("Removed job \(jobID) (PID \(pid))")
    }
}
