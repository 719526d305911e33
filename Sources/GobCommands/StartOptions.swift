import ArgumentParser
import GobProtocol

/// The options of a command that starts a run and may wait for it (`add`, `start`,
/// `restart`), after its readiness rule: how long to wait until ready, what a failure
/// shows, when a follow gives up, and JSON output. One declaration, so the three
/// commands' `--help` and parsing cannot drift apart.
struct RunWaitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("How long to wait until ready (90s, 2m; default 60s)", valueName: "duration"))
    var readyTimeout: String?

    @Option(help: ArgumentHelp("Lines of each log shown when the job fails (quiet follow: 30) or is not ready (20)", valueName: "n"))
    var tail: String?

    @Option(help: ArgumentHelp("With --follow: give up with exit status 122 once the job has run longer than this (90s, 5m) and printed nothing for 60s", valueName: "duration"))
    var stuckAfter: String?

    @Flag(help: "Print the job as one JSON object")
    var json = false

    /// The values checked: the readiness rule made of `log`, `port` and `--ready-timeout`
    /// (nil when none is given), `--tail`'s line count and `--stuck-after` in milliseconds.
    func checked(log: String?, port: String?, follow: Bool) throws(CommandFailure)
        -> (rule: ReadinessRule?, tail: Int?, stuckAfter: Int64?)
    {
        let rule = try ReadyWait.rule(log: log, port: port, timeout: readyTimeout)
        let lines = try FlagValue.lineCount(tail, flag: "--tail")
        let stuckLimit = try StuckReport.limit(stuckAfter, follow: follow)
        return (rule, lines, stuckLimit)
    }
}

/// `start` and `restart` of an existing job: a readiness rule given here is stored with
/// the job (replacing its rule), then the waiting options.
struct StoredRuleOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Wait until a line of output matches this extended regular expression (stored with the job)", valueName: "regex"))
    var readyLog: String?

    @Option(help: ArgumentHelp("Wait until the job listens on this TCP port, any port when left out (stored with the job)", valueName: "port"))
    var readyPort: String?

    @OptionGroup var waits: RunWaitOptions

    /// Starts the job `arguments` name with the request `make` builds from its ID and the
    /// rule given here, then prints `header`, follows or waits until ready
    /// (`JobFollowSupport.startProcess`).
    func startJob(
        _ arguments: [String], follow: Bool, quiet: Bool,
        request make: (_ jobID: String, _ rule: ReadinessRule?) -> Request, header: (JobSnapshot) -> String
    ) throws {
        let jobID = try ArgumentCount.jobID(arguments)
        let (rule, lines, stuckLimit) = try waits.checked(log: readyLog, port: readyPort, follow: follow)
        try ReadyWait.checkCombination(follow: follow, quiet: quiet, rule: rule, tail: lines, storedRule: true)
        try JobFollowSupport.startProcess(
            make(jobID, rule), follow: follow, quiet: quiet, json: waits.json, tail: lines, stuckAfter: stuckLimit, header: header)
    }
}
