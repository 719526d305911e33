import ArgumentParser
import GobClient
import GobProtocol

/// `gob logs`: follow the output of every job of this directory, with `[monitor]` lines
/// for jobs starting and stopping.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Follow both stdout and stderr for jobs",
        discussion: """
            Follows the stdout and stderr of every job of the current directory, from \
            the beginning, and of every job started here later, until interrupted \
            (Ctrl+C). Each output line starts with [<job ID>] (orange for stderr on a \
            terminal); lines starting with [monitor] (cyan) report jobs starting and \
            stopping, "waiting for jobs..." when nothing runs yet, and "all processes \
            stopped" once the last running job ended. On a terminal, the jobs' escape \
            sequences (other than colours) and invalid UTF-8 are made harmless. It takes \
            no job ID: to follow one job, use `gob stdout -f <job_id>`.

            With --tail N, only the last N lines of each log of the jobs already there \
            are printed before following; jobs started later are shown from their start.

            Examples:
              gob logs
              gob logs --tail 20

            Output:
              [monitor] process started: make watch (pid:29104 id:k3v)
              [k3v] compiling...
              [monitor] process stopped: make watch (pid:29104 id:k3v)
              [monitor] all processes stopped

            When the gob daemon stops, a [monitor] line says so and gob logs reconnects \
            every second, then follows the jobs of the daemon it finds.

            Exit status: runs until interrupted; 1 on an error (for example "stdout log \
            file not found: <path>"); 125 when the gob daemon goes away.
            """)

    @Option(help: ArgumentHelp("Print only the last N lines of each existing log before following", valueName: "n"))
    var tail: String?

    @Argument(help: .hidden)
    var arguments: [String] = []

    func run() throws {
        try ArgumentCount.none(arguments, command: "logs") { "follow one job with: gob stdout -f \(ShellWords.quote($0))" }
        let lastLines = try FlagValue.lineCount(tail, flag: "--tail")
        let workdir = try DaemonSession.workingDirectory()
        // Subscribe before listing, so no job started in between is missed.
        let events = try JobFollowSupport.subscribe(workdir: workdir)
        let jobs = try Self.list(workdir)
        let reconnect: LogsMonitor.Connect = {
            guard let events = try? JobFollowSupport.subscribe(workdir: workdir), let jobs = try? Self.list(workdir) else {
                return nil
            }
            return (events, jobs)
        }
        let failure = LogsMonitor(events: events, output: JobFollowSupport.output(), reconnect: reconnect)
            .run(initialJobs: jobs, lastLines: lastLines)
        throw CommandFailure(failure, code: .ioError)
    }

    /// The jobs of `workdir`, newest first.
    private static func list(_ workdir: OSString) throws(CommandFailure) -> [JobSnapshot] {
        let wording = DaemonSession.ErrorWording(prefix: "failed to list jobs: ")
        return try DaemonSession().sendList(.list(workdir: workdir), wording: wording)
    }
}
