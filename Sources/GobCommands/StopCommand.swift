import ArgumentParser
import GobProtocol

/// `gob stop [-f] [-q] <job_id>`: stop a job's whole process tree.
struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a background job",
        usage: "gob stop [--force] [--quiet] [--json] <job_id>",
        discussion: """
            Stops a job: sends SIGTERM to the job's process group and to every other \
            process of its tree (those that moved to a group or session of their own, \
            or whose parent ended; see `gob ps`), waits up to 10 seconds for all of \
            them to exit, then sends SIGKILL. With --force it sends SIGKILL at once. It \
            returns once the processes are gone. What survives SIGKILL (another user's \
            process, one in uninterruptible sleep) is named, and the stop fails. \
            Stopping a job that is not running is not an error. The job's record and \
            logs are kept; use `gob start` to run it again or `gob remove` to delete \
            it. Any job ID works, from any directory.

            --quiet prints nothing on success. --json prints the job as one JSON object \
            instead, with how its process ended (exit_code, or signal such as \
            "SIGTERM", and stopped_by_gob).

            Examples:
              gob stop k3v
              gob stop --force k3v
              gob stop --json k3v

            Output:
              Stopped job k3v (PID 28978)
              Stopped job k3v (PID 28978) with SIGKILL: it did not stop on SIGTERM
              Force stopped job k3v (PID 28978)
              Job k3v is not running

            Exit status: 0 on success, also when the job was not running; 1 on an \
            error (for example "job not found: k3v", or "job k3v: process 4242 (uid \
            0, not permitted to signal it) still running after SIGKILL").
            """)

    @Flag(name: .shortAndLong, help: "Send SIGKILL instead of SIGTERM for forceful termination")
    var force = false

    @Flag(name: .shortAndLong, help: "Print nothing on success")
    var quiet = false

    @Flag(help: "Print the job as one JSON object")
    var json = false

    @Argument(help: ArgumentHelp("The ID of the job to stop", valueName: "job_id"),
              completion: .custom(JobCompletion.runningJobIDFirst))
    var arguments: [String] = []

    func run() throws { try invocation().run() }

    /// The parsed command line as the fast path would read it.
    func invocation() -> Invocation { .stop(force: force, quiet: quiet, json: json, arguments: arguments) }
}
