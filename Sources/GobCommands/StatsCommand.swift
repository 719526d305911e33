import ArgumentParser
import GobProtocol

/// `gob stats <job_id> [--json]`: how a job's runs went and how long they take.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show how a job's runs went and how long they take",
        usage: "gob stats [--json] <job_id>",
        discussion: """
            Sums up a job's runs: how many there are, how many succeeded (exit code 0) \
            and failed (any other exit code, or a signal gob did not send), the success \
            rate, and for the successful and for the failed runs a typical and an upper \
            duration: the median and the 90th percentile of the latest 50 of them. Runs \
            gob stopped, and runs whose end nobody saw, count as neither. Any job ID \
            works, from any directory.

            With --json, prints one JSON object: job_id, runs, successes, failures, \
            success_rate (0 to 1, null before any run ended) and successful and failed, \
            each {count, typical_ms, upper_ms} or null.

            Examples:
              gob stats k3v
              gob stats --json k3v

            Output:
              Job k3v: make test
              Runs: 12 (11 succeeded, 1 failed)
              Success rate: 91.7%
              Successful runs: typically 1m30s, up to 2m10s (latest 11)
              Failed runs: typically 4.2s, up to 4.2s (latest 1)

            Exit status: 0 on success; 1 on an error (for example "job not found: k3v").
            """)

    @Flag(help: "Print the numbers as one JSON object")
    var json = false

    @Argument(help: ArgumentHelp("The ID of the job", valueName: "job_id"),
              completion: .custom(JobCompletion.firstJobID))
    var arguments: [String] = []

    func run() throws {
        let jobID = try ArgumentCount.jobID(arguments)
        let response = try DaemonSession().send(.stats(jobID: jobID), wording: .verbatim)
        let job = try response.requireJob(wording: .verbatim)
        guard let stats = response["stats"], case let .object(members) = stats else {
            throw DaemonSession.missing("stats", wording: .verbatim)
        }
        if json { return Console.json(.object([("job_id", .string(job.id))] + members)) }
        Console.out(Self.text(job: job, stats: stats))
    }

    /// The lines of the text output.
    static func text(job: JobSnapshot, stats: JSON) -> String {
        let runs = stats["runs"]?.intValue ?? 0
        let successes = stats["successes"]?.intValue ?? 0
        let failures = stats["failures"]?.intValue ?? 0
        var text = "Job \(job.id): \(job.commandLine)\n"
        let others = runs - successes - failures
        text += "Runs: \(runs) (\(successes) succeeded, \(failures) failed"
        text += others > 0 ? ", \(others) stopped, running or of unknown end)\n" : ")\n"
        if successes + failures > 0 {
            let tenths = (successes * 1000 + (successes + failures) / 2) / (successes + failures)
            text += "Success rate: \(tenths / 10).\(tenths % 10)%\n"
        }
        for (label, key) in [("Successful runs", "successful"), ("Failed runs", "failed")] {
            guard let durations = stats[key], let typical = durations["typical_ms"]?.intValue,
                  let upper = durations["upper_ms"]?.intValue, let count = durations["count"]?.intValue
            else { continue }
            text += "\(label): typically \(DurationText.format(milliseconds: typical)), "
                + "up to \(DurationText.format(milliseconds: upper)) (latest \(count))\n"
        }
        return text
    }
}
