import ArgumentParser

/// `gob stdout [-f] [--tail N] <job_id>` and `gob stderr …`: print or follow one log of a
/// job. One implementation for both; `Log` names the stream, and with it the command.
struct LogCommand<Log: LogStreamKind>: ParsableCommand {
    static var configuration: CommandConfiguration {
        let name = Log.stream.rawValue
        return CommandConfiguration(
            commandName: name,
            abstract: "Display \(name) output for a job",
            usage: "gob \(name) [--follow] [--tail <n>] <job_id | run_id>",
            discussion: LogFileOutput.discussion(Log.stream))
    }

    @Flag(name: .shortAndLong, help: "Follow log output in real-time")
    var follow = false

    @Option(help: ArgumentHelp("Print only the last N lines", valueName: "n"))
    var tail: String?

    @Argument(help: ArgumentHelp("The ID of the job, or of one of its runs", valueName: "job_id"),
              completion: .custom(JobCompletion.firstJobID))
    var arguments: [String] = []

    func run() throws {
        let jobID = try ArgumentCount.jobID(arguments)
        let lastLines = try FlagValue.lineCount(tail, flag: "--tail")
        try LogFileOutput.show(Log.stream, jobID: jobID, follow: follow, lastLines: lastLines)
    }
}

/// `gob stdout`.
typealias StdoutCommand = LogCommand<StdoutLog>
/// `gob stderr`.
typealias StderrCommand = LogCommand<StderrLog>
