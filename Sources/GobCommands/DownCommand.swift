import ArgumentParser
import GobClient
import GobProject
import GobProtocol

/// `gob down [NAME...]`: stop the project's jobs that came from its gobfile.
struct DownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop the project's jobs started from .config/gobfile.toml",
        usage: "gob down [--json] [<name>...]",
        discussion: """
            Stops every running job of the project that was started from its gobfile \
            (by `gob up` or the TUI's project dialog), or those of the entries named, \
            all at once, each as `gob stop` stops a job. Jobs started by hand are left \
            alone, even with the same command. The jobs stay in the list, so `gob up` \
            starts them again under the same IDs. It never starts the daemon.

            Examples:
              gob down
              gob down worker

            Output:
              web     k3v  stopped
              worker  not running

            Exit status: 0 when every job is stopped; 1 when one could not be stopped \
            or the gobfile has an error; 125 when the gob daemon could not be reached.
            """)

    @Flag(help: "Print one JSON object")
    var json = false

    @Argument(help: ArgumentHelp("Entries whose jobs to stop (default: all)", valueName: "name"))
    var names: [String] = []

    func run() throws {
        let gobfile = try ProjectFile.load()
        let chosen = try ProjectFile.entries(named: names, in: gobfile)
        let jobs = try Self.projectJobs(of: gobfile).filter { job in
            names.isEmpty || chosen.contains { $0.name == job.gobfileName }
        }
        let results = ParallelWork.map(jobs) { job in Self.stop(job) }
        // Entries named, or all the file's (but blocked ones), and names of jobs whose
        // entry has left the file since.
        var rows: [(name: String, job: JobSnapshot?, error: String?)] = []
        for (job, error) in zip(jobs, results) { rows.append((job.gobfileName ?? "", job, error)) }
        let entryNames = names.isEmpty ? gobfile.entries.filter { !$0.blocked }.map(\.name) : chosen.map(\.name)
        for name in entryNames where !jobs.contains(where: { $0.gobfileName == name }) { rows.append((name, nil, nil)) }
        rows.sort { a, b in
            let (x, y) = (entryNames.firstIndex(of: a.name) ?? Int.max, entryNames.firstIndex(of: b.name) ?? Int.max)
            return x != y ? x < y : a.name < b.name
        }
        let failed = rows.contains { $0.error != nil }
        if json {
            let objects: [JSON] = rows.map { row in
                let state = row.job == nil ? "not_running" : row.error == nil ? "stopped" : "failed"
                return .object([
                    ("name", .string(row.name)), ("state", .string(state)), ("job", row.job?.json ?? .null),
                    ("error", row.error.map(JSON.string) ?? .null),
                ])
            }
            Console.json(.object([("gobfile", .string(gobfile.path)), ("entries", .array(objects))]))
        } else {
            let width = rows.map(\.name.count).max() ?? 0
            for row in rows {
                let text = row.job.map { job in job.id + "  " + (row.error.map { "failed to stop: " + $0 } ?? "stopped") }
                Console.line(ProjectFile.line(name: row.name, width: width, text ?? "not running"))
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// The project's running jobs that came from its gobfile; none when no daemon runs.
    static func projectJobs(of gobfile: Gobfile) throws(CommandFailure) -> [JobSnapshot] {
        guard let response = try DaemonSession().sendIfRunning(.list(workdir: nil), wording: .verbatim) else { return [] }
        return try response.requireJobs(wording: .verbatim).filter { job in
            job.status == .running && ProjectFile.isFromGobfile(job, gobfile)
        }
    }

    /// Stops `job`; nil when it is stopped (or had ended meanwhile), else why not.
    private static func stop(_ job: JobSnapshot) -> String? {
        do throws(CommandFailure) {
            _ = try DaemonSession().send(.stop(jobID: job.id, force: false), wording: .verbatim)
            return nil
        } catch {
            return error.code == .notFound ? nil : error.message
        }
    }
}
