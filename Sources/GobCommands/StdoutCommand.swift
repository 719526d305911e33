import ArgumentParser

/// `gob stdout [-f] <job_id>`: print or follow a job's stdout log (contract §2.13).
struct StdoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stdout",
        abstract: "Display stdout output for a job",
        usage: "gob stdout [--follow] [--tail <n>] <job_id>",
        discussion: """
            Prints everything the job has written to its stdout so far, byte for byte, \
            with nothing added. With --follow, keeps printing what it writes next, as it \
            writes it, until interrupted (Ctrl+C); when the job is restarted, following \
            continues from the start of the new output. Any job ID works, from any \
            directory.

            With --tail N, prints only the last N lines (then follows, with --follow); \
            the log is read backwards from its end, so this is quick on huge logs.

            Examples:
              gob stdout V3x0QqI
              gob stdout -f V3x0QqI
              gob stdout --tail 20 V3x0QqI

            Exit status: 0 on success, 1 on any error (for example "job not found: \
            V3x0QqI", or "stdout log file not found: <path>").
            """)

    @Flag(name: .shortAndLong, help: "Follow log output in real-time")
    var follow = false

    @Option(help: ArgumentHelp("Print only the last N lines", valueName: "n"))
    var tail: String?

    @Argument(help: ArgumentHelp("The ID of the job", valueName: "job_id"),
              completion: .custom(JobCompletion.firstJobID))
    var arguments: [String] = []

    func run() throws {
        let jobID = try ArgumentCount.exactlyOne(arguments)
        let lastLines = try FlagValue.lineCount(tail, flag: "--tail")
        try LogFileOutput.show(.stdout, jobID: jobID, follow: follow, lastLines: lastLines)
    }
}
