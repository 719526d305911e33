import ArgumentParser
import GobProtocol

/// `gob stop [-f] <job_id>`: stop a job's whole process group (contract §2.6, Decision D4).
struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a background job",
        usage: "gob stop [--force] [--json] <job_id>",
        discussion: """
            Stops a job: sends SIGTERM to the job's process group, waits up to 10 seconds \
            for every process of the group to exit, then sends SIGKILL. With --force it \
            sends SIGKILL at once. It returns once the processes are gone. Stopping a job \
            that is already stopped is not an error. The job's record and logs are kept; \
            use `gob start` to run it again or `gob remove` to delete it. Any job ID \
            works, from any directory.

            With --json, prints the stopped job as one JSON object instead, with how \
            its process ended (exit_code, or signal such as "SIGTERM").

            Examples:
              gob stop V3x0QqI
              gob stop --force V3x0QqI
              gob stop --json V3x0QqI

            Output:
              Stopped job V3x0QqI (PID 28978)
              Force stopped job V3x0QqI (PID 28978)

            Exit status: 0 on success, 1 on any error (for example "job not found: \
            V3x0QqI").
            """)

    @Flag(name: .shortAndLong, help: "Send SIGKILL instead of SIGTERM for forceful termination")
    var force = false

    @Flag(help: "Print the job as one JSON object")
    var json = false

    @Argument(help: ArgumentHelp("The ID of the job to stop", valueName: "job_id"),
              completion: .custom(JobCompletion.firstJobID))
    var arguments: [String] = []

    func run() throws { try invocation().run() }

    /// The parsed command line as the fast path would read it.
    func invocation() -> Invocation { .stop(force: force, json: json, arguments: arguments) }
}
