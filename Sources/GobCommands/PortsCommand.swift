import ArgumentParser
import GobProtocol

/// `gob ports [<job_id>] [--all] [--json]`: where jobs listen.
struct PortsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ports",
        abstract: "Show the ports jobs listen on",
        usage: "gob ports [--all] [--json] [<job_id>]",
        discussion: """
            Shows the TCP and UDP sockets, IPv4 and IPv6, that a job's processes listen \
            on: every process of the job's tree, including those that moved to a \
            process group or session of their own or whose parent ended. Without a job \
            ID, the ports of every running job of the current directory (with --all: of \
            every directory). The sockets are looked up when asked, from \
            /proc/net/{tcp,tcp6,udp,udp6} and the descriptors of each process. A UDP \
            socket is listed when it is bound to a port and has no peer.

            `gob list` shows the same ports beside each running job, as looked up \
            shortly after the job started (and again after a `list` when the last look \
            is older than 2 seconds); `gob events` announces each change with \
            `ports_updated`.

            Examples:
              gob ports k3v
              gob ports
              gob ports --all --json

            Output:
               PORT  PROTO  ADDRESS      PID
               5173  tcp    127.0.0.1  28978
              24678  tcp    ::1        28990
            Without a job ID, a JOB column comes first. A job that is not running: \
            Job k3v is not running. A job without a socket: Job k3v has no listening \
            ports. Without running jobs: No running jobs; when none listens: No \
            listening ports.
            --json prints, for a job ID, one object: {"id", "status", "pid", \
            "processes", "ports": [{"port", "proto", "address", "pid"}]}; otherwise an \
            array of these, one per running job.

            Exit status: 0 on success (also when nothing listens); 1 on an error (for \
            example "job not found: k3v").
            """)

    @Flag(name: .shortAndLong, help: "Show the ports of the running jobs of every directory")
    var all = false

    @Flag(help: "Output in JSON format")
    var json = false

    @Argument(help: ArgumentHelp("The job ID (default: every running job of this directory)", valueName: "job_id"),
              completion: .custom(JobCompletion.runningJobIDFirst))
    var arguments: [String] = []

    func run() throws { try invocation().run() }

    /// The parsed command line as the fast path would read it.
    func invocation() throws -> Invocation {
        .ports(all: all, json: json, arguments: arguments)
    }
}
