import ArgumentParser
import GobProtocol

/// `gob remove <job_id>`: forget a stopped job and delete its logs.
struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove metadata for a stopped job",
        usage: "gob remove [--json] <job_id>",
        discussion: """
            Removes a stopped job: its record and its stdout and stderr logs are \
            deleted. Only stopped jobs can be removed; stop a running job first. Unlike \
            `gob cleanup`, an unknown ID is an error. Any job ID works, from any \
            directory.

            With --json, prints the removed job, as it was, as one JSON object instead.

            Examples:
              gob remove k3v
              gob remove --json k3v

            Output:
              Removed job k3v (PID 28978)

            Exit status: 0 on success; 1 on an error (for example "cannot remove \
            running job: k3v (use 'stop' first)").
            """)

    @Flag(help: "Print the removed job as one JSON object")
    var json = false

    @Argument(help: ArgumentHelp("The ID of the job to remove", valueName: "job_id"),
              completion: .custom(JobCompletion.stoppedJobIDFirst))
    var arguments: [String] = []

    func run() throws {
        let jobID = try ArgumentCount.jobID(arguments)
        let wording = DaemonSession.ErrorWording.verbatim
        let response = try DaemonSession().send(.remove(jobID: jobID), wording: wording)
        if json { return Console.json(try response.requireJob(wording: wording).json) }
        let pid = try response.integer("pid", wording: wording)
        Console.line("Removed job \(jobID) (PID \(pid))")
    }
}
