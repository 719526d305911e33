import ArgumentParser
import GobProtocol

/// `gob start <job_id>`: run a stopped job's command again.
struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a stopped job",
        usage: """
            gob start [--follow] [--quiet] [--json] [--tail <n>] <job_id>
            gob start --follow --stuck-after <duration> [--quiet] [--json] <job_id>
            gob start --ready-log <regex> [--ready-timeout <duration>] <job_id>
            gob start --ready-port [<port>] [--ready-timeout <duration>] <job_id>
            """,
        discussion: """
            Starts a stopped job again: same ID, same command, same directory, a new \
            process with this shell's environment. It is the job's next run, with \
            stdout and stderr logs of its own (`gob runs` lists the earlier ones); once \
            3 or more runs succeeded, a second line says how long it usually takes. A \
            running job is not touched (use `gob restart`). Any job ID \
            works, from any directory.

            With --follow, gob then prints the job's output until it ends and exits with \
            its exit code (128+N when signal N killed it); Ctrl+C stops following and \
            leaves the job running. --quiet prints nothing when the job was started \
            (with --follow: only the footer line, and the last --tail lines, 30, of \
            stderr and stdout if the job fails). \
            --json prints the started job as one JSON object instead (with --follow: \
            once it has ended, without its output).

            A job with a readiness rule (`gob add --ready-log`, `--ready-port`) is \
            waited for until it is ready, as add waits: "Job k3v ready after 1.3s"; \
            when it ends first or is not ready in time, its last --tail lines (20) of \
            stderr and stdout are printed on stderr. --ready-log, --ready-port and \
            --ready-timeout give the job a new rule, which replaces the whole stored \
            one. With --follow there is no such wait.

            Examples:
              gob start k3v
              gob start -f k3v
              gob start --json k3v
              gob start --ready-log '^Listening on' k3v

            Output:
              Started job k3v with PID 29104 running: make watch
              Expected ~1m30s (up to 2m10s); 11 of 12 runs succeeded

            Exit status: 0 on success (with a readiness rule: once ready; else as \
            for add --ready-log); 1 on an error (for example "job k3v is already \
            running (use 'gob restart' to restart a running job)"); with --follow, the \
            job's exit code, or 122 when its run looks stuck (as for gob run: past \
            --stuck-after or twice its usual upper duration, and silent for 60s; the \
            job keeps running).
            """)

    @Flag(name: .shortAndLong, help: "Follow output until job completes")
    var follow = false

    @Flag(name: .shortAndLong, help: "Print nothing when the job was started; with --follow, only a summary line")
    var quiet = false

    @OptionGroup var options: StoredRuleOptions

    @Argument(help: ArgumentHelp("The ID of the job to start", valueName: "job_id"),
              completion: .custom(JobCompletion.stoppedJobIDFirst))
    var arguments: [String] = []

    func run() throws {
        try options.startJob(arguments, follow: follow, quiet: quiet) { jobID, rule in
            .start(jobID: jobID, environment: OSString.environment(), settings: .current(), ready: rule)
        } header: { job in
            "Started job \(job.id) with PID \(job.pid) running: \(job.commandLine)"
        }
    }
}
