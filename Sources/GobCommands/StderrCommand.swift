import ArgumentParser

/// `gob stderr [-f] <job_id>`: print or follow a job's stderr log (contract §2.14).
struct StderrCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stderr",
        abstract: "Display stderr output for a job",
        usage: "gob stderr [--follow] [--tail <n>] <job_id>",
        discussion: LogFileOutput.discussion(.stderr))

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
