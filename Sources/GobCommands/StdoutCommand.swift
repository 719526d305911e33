import ArgumentParser

/// `gob stdout [-f] <job_id>`: print or follow a job's stdout log (contract §2.13).
struct StdoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stdout",
        abstract: "Display stdout output for a job",
        usage: "gob stdout [--follow] [--tail <n>] <job_id>",
        discussion: LogFileOutput.discussion(.stdout))

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
