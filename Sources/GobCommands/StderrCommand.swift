import ArgumentParser

/// `gob stderr [-f] <job_id>`: print or follow a job's stderr log (contract §2.14).
struct StderrCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stderr",
        abstract: "Display stderr output for a job",
        usage: "gob stderr [--follow] [--tail <n>] <job_id>",
        discussion: """
            Prints everything the job has written to its stderr so far, byte for byte, \
            with nothing added. With --follow, keeps printing what it writes next, as it \
            writes it, until interrupted (Ctrl+C); when the job is restarted, following \
            continues from the start of the new output. Any job ID works, from any \
            directory.

            With --tail N, prints only the last N lines (then follows, with --follow); \
            the log is read backwards from its end, so this is quick on huge logs.

            Examples:
              gob stderr V3x0QqI
              gob stderr -f V3x0QqI
              gob stderr --tail 20 V3x0QqI

            Exit status: 0 on success, 1 on any error (for example "job not found: \
            V3x0QqI", or "stderr log file not found: <path>").
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
        try LogFileOutput.show(.stderr, jobID: jobID, follow: follow, lastLines: lastLines)
    }
}
