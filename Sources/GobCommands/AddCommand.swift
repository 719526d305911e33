import ArgumentParser
import GobProtocol

/// `gob add [options] [--] <command> [args...]`: create and start a job.
struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create and start a new background job",
        usage: """
            gob add [-f] [-d <text>] [-q] [--json] [--] <command> [args...]
            gob add -f --stuck-after <duration> [-q] [--json] [--] <command> ...
            gob add --ready-log <regex> [--ready-timeout <duration>] <command> ...
            gob add --ready-port [<port>] [--ready-timeout <duration>] <command> ...
            """,
        discussion: """
            Starts <command> with its arguments as a new background job in the current \
            directory and prints its job ID. The command is run directly, not through a \
            shell; the job gets this shell's environment. When a stopped job of this \
            directory has exactly the same command, that job is started again instead, \
            as its next run (same ID; `gob runs` lists its runs); when the only such job \
            is running, a second job is started beside it. Once 3 or more runs of the \
            job succeeded, a second line says how long it usually takes.

            gob's own options come before the command; everything from the first \
            non-option argument on belongs to the job, so `gob add ls -la` works. A \
            leading -- is accepted and dropped: `gob add -- -weird-name`.

            A command given as one string with spaces is split as a POSIX shell would \
            split it (single and double quotes, backslashes), but nothing is expanded: \
            `gob add "sh -c 'echo a b'"` runs sh with the arguments -c and "echo a b". \
            Shell syntax that needs a shell (|, >, &&, ;, $VAR, backquotes) is refused; \
            run a shell for it: gob add sh -c 'make && make test'. The command is shown \
            quoted the same way, so it can be pasted back.

            With --follow, gob then prints the job's output until it ends and exits with \
            its exit code (128+N when signal N killed it), like `gob run`; Ctrl+C stops \
            following and leaves the job running. Like `gob run`, it gives up with exit \
            status 122 on a run that looks stuck: longer than --stuck-after (or twice \
            the upper duration of the job's successful runs) and silent for 60s.

            --description stores one line of context about the job (what it is, which \
            port, where to look); `gob list` shows it under the job. --quiet prints only \
            the job's ID, for scripts: JOB=$(gob add -q make test); with --follow, only \
            the footer line, and the last --tail lines (30) of stderr and stdout if the \
            job fails. --json prints the job as one JSON object instead (with --follow: \
            once it has ended, without its output).

            With --ready-log, gob returns once the job is ready: once a line of its \
            stdout or stderr matches the POSIX extended regular expression (as grep -E; \
            colours are removed before matching), printing "Job k3v ready after 1.3s". \
            With --ready-port, once a process of the job's tree (its children too, \
            even those that left its process group) listens on that TCP port, or on \
            any TCP port when none is given (a number right after --ready-port is \
            its port): "Job k3v ready after 1.3s on http://127.0.0.1:5173", the \
            address the socket is bound to (one bound to every address, 0.0.0.0 or \
            ::, is shown as 127.0.0.1 or [::1], which reach it from this machine). \
            With both, the job is ready once both have held. If the job ends first, gob prints the last --tail lines (20) of its stderr \
            and stdout on stderr and exits with the job's exit code (1 if it exited 0). \
            --ready-timeout (90s, 2m, 1m30s; default 60s) bounds the wait: then gob \
            exits 124 and the job keeps running. The rule is stored with the job, so \
            `gob restart` and `gob start` wait for it again; `gob await --ready` waits \
            for it later. Not with --follow.

            Examples:
              gob add make watch
              gob add -f make -j4
              gob add -d "web UI on :5173" npm run dev
              gob add "python3 -m http.server 8000"
              JOB=$(gob add -q make test)
              gob add --ready-log 'Local: +http' npm run dev
              JOB=$(gob add -q --ready-log '^Listening on' --ready-timeout 2m ./server)
              gob add --ready-port python3 -m http.server 0
              gob add --ready-port 5173 npm run dev

            Output:
              Added job k3v running: make watch
              Restarted job k3v running: make test
              Expected ~1m30s (up to 2m10s); 11 of 12 runs succeeded
            With --quiet:
              k3v
            With --ready-log:
              Added job k3v running: npm run dev
              Job k3v ready after 1.3s
            With --ready-port:
              Added job k3v running: npm run dev
              Job k3v ready after 1.3s on http://127.0.0.1:5173

            Exit status: 0 when the job was started (with --ready-log or \
            --ready-port: when it is ready); 1 on an error (for example "failed to add \
            job: ..." when the command cannot be started); with --follow, the job's \
            exit code, 122 when its run looks stuck; waiting until ready, the job's exit code when it ended first, \
            124 when --ready-timeout passed, 130 when interrupted.
            """)

    @Flag(name: .shortAndLong, help: "Follow output until job completes")
    var follow = false

    @Option(name: [.customShort("d"), .customLong("description")],
            help: ArgumentHelp("A one-line description of the job, shown by list", valueName: "text"))
    var jobDescription: String?

    @Flag(name: .shortAndLong, help: "Print only the new job's ID; with --follow, only a summary line")
    var quiet = false

    @Option(help: ArgumentHelp("Wait until a line of output matches this extended regular expression", valueName: "regex"))
    var readyLog: String?

    @Option(help: ArgumentHelp("Wait until the job listens on this TCP port (any port when left out)", valueName: "port"))
    var readyPort: String?

    @OptionGroup var waits: RunWaitOptions

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The command to run and its arguments", valueName: "command"))
    var command: [String] = []

    func run() throws { try invocation().run() }

    /// The parsed command line as the fast path would read it: the job's argv without
    /// the leading options the parser left in it (help, an unknown option, one `--`).
    func invocation() throws -> Invocation {
        let argv = try PassthroughArguments.command(from: command, of: Self.self)
        let (rule, lines, stuckLimit) = try waits.checked(log: readyLog, port: readyPort, follow: follow)
        return .add(
            follow: follow, description: jobDescription, quiet: quiet, json: waits.json, command: argv, ready: rule, tail: lines,
            stuckAfter: stuckLimit)
    }
}
