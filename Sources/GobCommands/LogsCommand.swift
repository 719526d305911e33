import ArgumentParser
import GobClient
import GobProtocol

/// `gob logs`: follow the output of every job of this directory, with `[monitor]` lines
/// for jobs starting and stopping (contract §2.15, §3.3, Decision D9).
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
            stopped" once the last running job ended.

            With --tail N, only the last N lines of each log of the jobs already there \
            are printed before following; jobs started later are shown from their start.

            Examples:
              gob logs
              gob logs --tail 20

            Output:
              [monitor] process started: make watch (pid:29104 id:V3x0QqI)
              [V3x0QqI] compiling...
              [monitor] process stopped: make watch (pid:29104 id:V3x0QqI)
              [monitor] all processes stopped

            When the gob daemon stops, a [monitor] line says so and gob logs reconnects \
            every second, then follows the jobs of the daemon it finds.

            Exit status: runs until interrupted; 1 on an error (for example "stdout log \
            file not found: <path>").
            """)

    @Option(help: ArgumentHelp("Print only the last N lines of each existing log before following", valueName: "n"))
    var tail: String?

    @Argument(help: .hidden)
    var arguments: [String] = []

    func run() throws {
        if let first = arguments.first { throw CommandFailure("unknown command \"\(first)\" for \"gob logs\"") }
        let lastLines = try FlagValue.lineCount(tail, flag: "--tail")
        let workdir = try DaemonSession.workingDirectory()
        // Subscribe before listing, so no job started in between is missed (D9).
        let events = try JobFollowSupport.subscribe(workdir: workdir)
        let jobs = try Self.list(workdir)
        let reconnect: LogsMonitor.Connect = {
            guard let events = try? JobFollowSupport.subscribe(workdir: workdir), let jobs = try? Self.list(workdir) else {
                return nil
            }
            return (events, jobs)
        }
        let failure = LogsMonitor(events: events, output: OutputSink(), reconnect: reconnect)
            .run(initialJobs: jobs, lastLines: lastLines)
        throw CommandFailure(failure)
    }

    /// The jobs of `workdir`, newest first.
    private static func list(_ workdir: String) throws(CommandFailure) -> [JobSnapshot] {
        let wording = DaemonSession.ErrorWording(command: "failed to list jobs: ", daemon: "list failed: ")
        let response = try DaemonSession().send(.list(workdir: workdir), wording: wording)
        guard let jobs = response.jobs else {
            throw CommandFailure(wording.command + "failed to decode response: missing jobs")
        }
        return jobs
    }
}
