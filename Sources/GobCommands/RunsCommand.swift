import ArgumentParser
import GobProtocol

/// `gob runs <job_id> [--limit N] [--json]`: a job's runs, newest first.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List a job's runs, newest first",
        usage: "gob runs [--limit <n>] [--json] <job_id>",
        discussion: """
            Every start of a job (add, run, start, restart) is a run, numbered 1, 2, ... \
            and named <job>-<n>. This lists the job's runs, newest first, one line each: \
            the run's ID, when it started, how long it ran (or "running"), and how it \
            ended: "ok" and the exit code for a success, "!" and the exit code or signal \
            for a failure, "- stopped by gob" for a run gob stopped (neither a success \
            nor a failure), "? lost" or "? unknown" for a run whose end nobody saw (the \
            machine or the gob daemon restarted). On a UTF-8 terminal a check mark, a \
            cross and a square stand for ok, ! and -. Only the newest 10 runs of a job \
            keep their logs (config.toml can change that); older ones, and the oldest \
            when all logs pass their total, say "(logs pruned)".

            --limit N shows the newest N runs (default 20; 0 shows every run). --json \
            prints the runs as one JSON array instead. `gob stdout <run_id>` and `gob \
            stderr <run_id>` print an earlier run's output; `gob stats <job_id>` sums \
            the runs up. Any job ID works, from any directory.

            Examples:
              gob runs k3v
              gob runs --limit 5 k3v
              gob runs --json k3v

            Output (not UTF-8):
              k3v-12  5m ago  running
              k3v-11  2h ago  1m32s    ok 0
              k3v-10  3h ago  0.4s     ! 2

            Exit status: 0 on success; 1 on an error (for example "job not found: k3v").
            """)

    @Option(help: ArgumentHelp("Show only the newest N runs (default 20, 0 for all)", valueName: "n"))
    var limit: String?

    @Flag(help: "Print the runs as one JSON array")
    var json = false

    @Argument(help: ArgumentHelp("The ID of the job", valueName: "job_id"),
              completion: .custom(JobCompletion.runsJobID))
    var arguments: [String] = []

    func run() throws { try invocation().run() }

    /// The parsed command line as the fast path would read it.
    func invocation() -> Invocation { .runs(limit: limit, json: json, arguments: arguments) }
}
