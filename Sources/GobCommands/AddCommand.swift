import ArgumentParser
import GobProtocol

/// `gob add [--] <command> [args...]`: create and start a job (contract §2.3).
struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create and start a new background job",
        usage: "gob add [--follow] [--] <command> [args...]",
        discussion: """
            Starts <command> with its arguments as a new background job in the current \
            directory and prints its job ID. The command is run directly, not through a \
            shell; the job gets this shell's environment. A new job is created even when \
            a job with the same command exists.

            gob's own options come before the command; everything from the first \
            non-option argument on belongs to the job. A leading -- is accepted and \
            dropped, so `gob add -- -weird-name` runs a command whose name starts with -.

            With --follow, gob then prints the job's output until it ends and exits with \
            its exit code (128+N when signal N killed it), like `gob run`; Ctrl+C stops \
            following and leaves the job running.

            Examples:
              gob add make watch
              gob add -f make -j4
              gob add npm run dev
              gob add -- ls -la

            Output:
              Added job V3x0QqI running: make watch

            Exit status: 0 when the job was started, 1 on any error (for example \
            "failed to add job: add failed: failed to start process: exec: \
            "nonexistent": executable file not found in $PATH").
            """)

    @Flag(name: .shortAndLong, help: "Follow output until job completes")
    var follow = false

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The command to run and its arguments", valueName: "command"))
    var command: [String] = []

    func run() throws {
        let argv = try ArgumentCount.atLeastOne(PassthroughArguments.command(from: command, of: Self.self))
        let workdir = try DaemonSession.workingDirectory()
        let wording = DaemonSession.ErrorWording(command: "failed to add job: ", daemon: "add failed: ")
        let spec = JobSpec(command: argv, workdir: workdir, environment: currentEnvironment())
        let events = follow ? try JobFollowSupport.subscribe(workdir: workdir) : nil
        let job = try DaemonSession().send(.add(spec), wording: wording).requireJob(wording: wording)
        Console.line("Added job \(job.id) running: \(argv.joined(separator: " "))")
        if let events { try JobFollowSupport.follow(job, events: events) }
    }
}
