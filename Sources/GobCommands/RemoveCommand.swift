import ArgumentParser
import GobProtocol

/// `gob remove <job_id>`: forget a stopped job and delete its logs (contract §2.10).
struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove metadata for a stopped job",
        usage: "gob remove [--json] <job_id>",
        discussion: """
            Removes a stopped job: its record and its stdout and stderr logs are deleted. \
            Only stopped jobs can be removed; stop a running job first. Unlike `gob \
            cleanup`, an unknown ID is an error. Any job ID works, from any directory.

            With --json, prints the removed job, as it was, as one JSON object instead.

            Examples:
              gob remove V3x0QqI
              gob remove --json V3x0QqI

            Output:
              Removed job V3x0QqI (PID 28978)

            Exit status: 0 on success, 1 on any error (for example "cannot remove \
            running job: V3x0QqI (use 'stop' first)").
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
