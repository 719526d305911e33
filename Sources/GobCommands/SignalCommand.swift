import ArgumentParser
import GobProtocol

/// `gob signal <job_id> <signal>`: send a signal to a running job's process group.
struct SignalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signal",
        abstract: "Send a signal to a background job",
        usage: "gob signal [--json] <job_id> <signal>",
        discussion: """
            Sends a signal to every process of a running job's process group. The \
            signal is a name, in any case, with or without SIG (HUP INT QUIT KILL TERM \
            USR1 USR2 STOP CONT ALRM PIPE CHLD ABRT TRAP), or a number from 0 to 64 \
            such as 15 (0 only checks that the job runs). A job that is not running \
            gets no signal: that is an error. Unlike `gob stop`, a signal does not \
            count as gob stopping the job: if it ends the job, `gob list` shows it.

            With --json, prints the job as one JSON object instead (as it is right after \
            the signal was sent; it may still be running).

            Examples:
              gob signal k3v HUP
              gob signal k3v sigusr1
              gob signal k3v 15
              gob signal --json k3v TERM

            Output:
              Sent signal HUP to job k3v (PID 28978)

            Exit status: 0 on success; 1 on an error (for example "invalid signal: \
            SIGSIGTERM", "job not found: k3v", or "job k3v is not running").
            """)

    /// The largest signal number Linux knows (SIGRTMAX).
    static let largestSignal: Int32 = 64

    @Flag(help: "Print the job as one JSON object")
    var json = false

    @Argument(help: ArgumentHelp("The job ID, then the signal name or number", valueName: "job_id> <signal"),
              completion: .custom(JobCompletion.signalArguments))
    var arguments: [String] = []

    func run() throws {
        let (argument, signalText) = try ArgumentCount.exactlyTwo(arguments)
        let jobID = try JobIDArgument.checked(argument)
        guard let number = SignalName.parse(signalText), (0...Self.largestSignal).contains(number) else {
            throw CommandFailure.invalid("invalid signal: \(signalText)")
        }
        let wording = DaemonSession.ErrorWording.verbatim
        let response: Response
        do {
            response = try DaemonSession().send(.signal(jobID: jobID, signal: number), wording: wording)
        } catch {
            guard error.code == .notRunning else { throw error }
            throw CommandFailure(
                "job \(jobID) is not running (start it with: gob start \(ShellWords.quote(jobID)))", code: .notRunning)
        }
        if json { return Console.json(try response.requireJob(wording: wording).json) }
        let pid = try response.integer("pid", wording: wording)
        Console.line("Sent signal \(signalText) to job \(jobID) (PID \(pid))")
    }
}
