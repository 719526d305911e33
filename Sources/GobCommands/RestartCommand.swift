import ArgumentParser
import GobProtocol

/// `gob restart <job_id>`: stop a job if it runs, then start it.
struct RestartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Restart a job (stop + start)",
        usage: """
            gob restart [--follow] [--quiet] [--json] [--tail <n>] <job_id>
            gob restart --follow --stuck-after <duration> [--quiet] [--json] <job_id>
            gob restart --ready-log <regex> [--ready-timeout <duration>] <job_id>
            gob restart --ready-port [<port>] [--ready-timeout <duration>] <job_id>
            """,
        discussion: """
            Stops the job if it is running (SIGTERM to its processes, SIGKILL after 10 \
            seconds, as `gob stop`), then starts its command again with the same ID and \
            this shell's environment, as the job's next run, with logs of its own. When \
            a process of the job survives, the restart fails and starts nothing. On a \
            stopped job it is the same as `gob \
            start`. When the job's directory is gone, nothing is stopped and the restart \
            fails. Any job ID works, from any directory.

            With --follow, gob then prints the job's output until it ends and exits with \
            its exit code (128+N when signal N killed it); Ctrl+C stops following and \
            leaves the job running. --quiet prints nothing when the job was restarted \
            (with --follow: only the footer line, and the last --tail lines, 30, of \
            stderr and stdout if the job fails). \
            --json prints the restarted job as one JSON object instead (with --follow: \
            once it has ended, without its output).

            A job with a readiness rule (`gob add --ready-log`, `--ready-port`) is \
            waited for until it is ready, as add waits: "Job k3v ready after 1.3s"; \
            when it ends first or is not ready in time, its last --tail lines (20) of \
            stderr and stdout are printed on stderr. --ready-log, --ready-port and \
            --ready-timeout give the job a new rule, which replaces the whole stored \
            one. With --follow there is no such wait.

            Examples:
              gob restart k3v
              gob restart -f k3v
              gob restart --json k3v
              gob restart --ready-timeout 2m --ready-log 'ready in [0-9]+ms' k3v
              gob restart --ready-port 8080 k3v

            Output:
              Restarted job k3v with new PID 29377 running: make watch
              Expected ~1m30s (up to 2m10s); 11 of 12 runs succeeded

            Exit status: 0 on success (with a readiness rule: once ready; else as \
            for add --ready-log); 1 on an error (for example "job not found: \
            k3v"); with --follow, the job's exit code, or 122 when its run looks stuck \
            (as for gob run: past --stuck-after or twice its usual upper duration, \
            and silent for 60s; the job keeps running).
            """)

    @Flag(name: .shortAndLong, help: "Follow output until job completes")
    var follow = false

    @Flag(name: .shortAndLong, help: "Print nothing when the job was restarted; with --follow, only a summary line")
    var quiet = false

    @OptionGroup var options: StoredRuleOptions

    @Argument(help: ArgumentHelp("The ID of the job to restart", valueName: "job_id"),
              completion: .custom(JobCompletion.firstJobID))
    var arguments: [String] = []

    func run() throws {
        try options.startJob(arguments, follow: follow, quiet: quiet) { jobID, rule in
            .restart(jobID: jobID, environment: OSString.environment(), settings: .current(), ready: rule)
        } header: { job in
            "Restarted job \(job.id) with new PID \(job.pid) running: \(job.commandLine)"
        }
    }
}
