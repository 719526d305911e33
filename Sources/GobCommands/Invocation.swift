import GobProtocol

/// One run of one of the hot commands as plain values: what `FastPath` reads from the
/// arguments and what the ArgumentParser commands hand over after parsing. Both routes
/// run it with `run()`, so they cannot differ in what they do.
///
/// Nothing here may touch ArgumentParser, Foundation, dynamic casts or unspecialized
/// generics from other modules: each would cost `gob list` the start-up the fast path
/// saves (docs/performance.md).
enum Invocation: Equatable {
    /// `gob -v` / `gob --version`.
    case version
    /// `gob ping`.
    case ping
    /// `gob status [--json]`.
    case status(json: Bool)
    /// `gob list [-a] [--workdir] [--json]`.
    case list(all: Bool, workdir: Bool, json: Bool)
    /// `gob stop [-f] [-q] [--json] <job_id>`; the count of `arguments` is checked by
    /// `run()`.
    case stop(force: Bool, quiet: Bool, json: Bool, arguments: [String])
    /// `gob add [-f] [-d <text>] [-q] [--json] [--ready-log …] [--tail N] [--stuck-after D]
    /// [--] <command> [args...]`: `command` is the job's argv with gob's own leading
    /// options and one `--` already taken off; `ready` the readiness rule, `tail` the
    /// failure report's lines, `stuckAfter` the follow's stuck limit in milliseconds (the
    /// fast path takes none of these three).
    case add(
        follow: Bool, description: String?, quiet: Bool, json: Bool, command: [String], ready: ReadinessRule? = nil,
        tail: Int? = nil, stuckAfter: Int64? = nil)
    /// `gob ports [-a] [--json] [<job_id>]`; the count of `arguments` is checked by `run()`.
    case ports(all: Bool, json: Bool, arguments: [String])
    /// `gob runs [--limit <n>] [--json] <job_id>`; the value of `limit` and the count of
    /// `arguments` are checked by `run()`.
    case runs(limit: String?, json: Bool, arguments: [String])
    /// Hidden `gob daemon [--ready-fd <fd>]`, which auto-start runs: the parser's
    /// start-up would add to every cold start.
    case daemon(readyFD: Int32?)

    /// Does what the command line asked; errors are the command's own (`CommandFailure`)
    /// or a follow's exit status, reported by `CommandLineRunner`.
    func run() throws {
        switch self {
        case .version:
            Console.line("gob version \(GobVersion.current)")
        case .ping:
            _ = try DaemonSession().send(.ping, wording: .init(prefix: "ping failed: "))
            Console.line("pong")
        case let .status(json):
            try Self.runStatus(json: json)
        case let .list(all, workdir, json):
            try Self.runList(all: all, workdir: workdir, json: json)
        case let .stop(force, quiet, json, arguments):
            try Self.runStop(force: force, quiet: quiet, json: json, arguments: arguments)
        case let .add(follow, description, quiet, json, command, ready, tail, stuckAfter):
            try Self.runAdd(
                follow: follow, description: description, quiet: quiet, json: json, command: command, ready: ready, tail: tail,
                stuckAfter: stuckAfter)
        case let .ports(all, json, arguments):
            try Self.runPorts(all: all, json: json, arguments: arguments)
        case let .runs(limit, json, arguments):
            try Self.runRuns(limit: limit, json: json, arguments: arguments)
        case let .daemon(readyFD):
            try Self.runDaemon(readyFD: readyFD)
        }
    }
}
