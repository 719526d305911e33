import ArgumentParser
import GobProtocol

/// `gob cleanup [-a]`: remove every stopped job in scope.
struct CleanupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Remove metadata for stopped jobs",
        discussion: """
            Removes every stopped job of the current directory (of all directories with \
            --all): records and log files are deleted. Running jobs are not touched. It \
            takes no job ID: to remove one job, use `gob remove <job_id>`.

            Examples:
              gob cleanup
              gob cleanup --all

            Output:
              Cleaned up 3 stopped job(s)

            Exit status: 0 on success (also when nothing was removed), 1 on an error.
            """)

    @Flag(name: .shortAndLong, help: "Cleanup stopped jobs from all directories")
    var all = false

    /// Refused, so that `gob cleanup k3v` does not clean up the whole directory.
    @Argument(help: .hidden)
    var arguments: [String] = []

    func run() throws {
        try ArgumentCount.none(arguments, command: "cleanup") { "remove one stopped job with: gob remove \(ShellWords.quote($0))" }
        let scope = all ? nil : try DaemonSession.workingDirectory()
        let wording = DaemonSession.ErrorWording(prefix: "failed to clean up: ")
        let response = try DaemonSession().send(.cleanup(workdir: scope), wording: wording)
        let count = try response.integer("count", wording: wording)
        Console.line("Cleaned up \(count) stopped job(s)")
    }
}
