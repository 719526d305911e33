import ArgumentParser
import GobProtocol

/// `gob signal <job_id> <signal>`: send a signal to a job's process group (contract §2.9).
struct SignalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signal",
        abstract: "Send a signal to a background job",
        usage: "gob signal [--json] <job_id> <signal>",
        discussion: """
            Sends a signal to every process of a running job's process group (a job \
            that is not running is refused: "job V3x0QqI is not running"). The signal is a name, \
            in any case, with or without SIG (HUP INT QUIT KILL TERM USR1 USR2 STOP CONT \
            ALRM PIPE CHLD ABRT TRAP), or a number such as 15 or +15 (0 only checks the \
            job). A negative number must follow --.

            With --json, prints the job as one JSON object instead (as it is right after \
            the signal was sent; it may still be running).

            Examples:
              gob signal V3x0QqI HUP
              gob signal V3x0QqI sigusr1
              gob signal V3x0QqI 15
              gob signal --json V3x0QqI TERM

            Output:
              Sent signal HUP to job V3x0QqI (PID 28978)

            Exit status: 0 on success, 1 on any error (for example "invalid signal: \
            SIGSIGTERM" or "job not found: V3x0QqI").
            """)

    @Flag(help: "Print the job as one JSON object")
    var json = false

    @Argument(help: ArgumentHelp("The job ID, then the signal name or number", valueName: "job_id> <signal"),
              completion: .custom(JobCompletion.signalArguments))
    var arguments: [String] = []

    func run() throws {
        let (jobID, signalText) = try ArgumentCount.exactlyTwo(arguments)
        guard let number = SignalName.parse(signalText) else {
            throw CommandFailure("invalid signal: \(signalText)")
        }
        let wording = DaemonSession.ErrorWording.verbatim
        let response = try DaemonSession().send(.signal(jobID: jobID, signal: number), wording: wording)
        if json { return Console.json(try response.requireJob(wording: wording).json) }
        let pid = try response.integer("pid", wording: wording)
        Console.line("Sent signal \(signalText) to job \(jobID) (PID \(pid))")
    }
}
