import ArgumentParser
import GobProtocol

/// `gob nuke [-a]`: stop every job in scope and remove them all; the daemon then shuts
/// down when it holds no job at all.
struct NukeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nuke",
        abstract: "Stop all running jobs and remove all job data",
        discussion: """
            Stops every running job of the current directory (of all directories with \
            --all) (SIGTERM to each job's processes, SIGKILL after 10 seconds), and what \
            stopped jobs left running, then removes all of those jobs and deletes their \
            log files. A job with processes that survived SIGKILL is kept, and the nuke \
            fails naming them. When no job is left \
            at all afterwards, the daemon shuts down; the next command starts it again. \
            It takes no job ID: to stop one job, use `gob stop <job_id>`.

            Examples:
              gob nuke
              gob nuke --all

            Output:
              Stopped 2 running job(s)
              Deleted 6 log file(s)
              Cleaned up 3 total job(s)

            Exit status: 0 on success, 1 on an error.
            """)

    @Flag(name: .shortAndLong, help: "Nuke jobs from all directories")
    var all = false

    /// Refused, so that `gob nuke V3x0QqI` does not stop and remove every job of the
    /// directory.
    @Argument(help: .hidden)
    var arguments: [String] = []

    func run() throws {
        try ArgumentCount.none(arguments, command: "nuke") { "stop one job with: gob stop \(ShellWords.quote($0))" }
        let scope = all ? nil : try DaemonSession.workingDirectory()
        let wording = DaemonSession.ErrorWording(prefix: "failed to nuke: ")
        let response = try DaemonSession().send(.nuke(workdir: scope), wording: wording)
        let stopped = try response.integer("stopped", wording: wording)
        let deleted = try response.integer("logs_deleted", wording: wording)
        let cleaned = try response.integer("cleaned", wording: wording)
        Console.out("Stopped \(stopped) running job(s)\nDeleted \(deleted) log file(s)\nCleaned up \(cleaned) total job(s)\n")
    }
}
