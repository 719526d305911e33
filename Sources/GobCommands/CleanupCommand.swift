import ArgumentParser
import GobProtocol

/// `gob cleanup [-a]`: remove every stopped job in scope (contract §2.11).
struct CleanupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Remove metadata for stopped jobs",
        discussion: """
            Removes every stopped job of the current directory (of all directories with \
            --all): records and log files are deleted. Running jobs are not touched.

            Examples:
              gob cleanup
              gob cleanup --all

            Output:
              Cleaned up 3 stopped job(s)

            Exit status: 0 on success (also when nothing was removed), 1 on any error.
            """)

    @Flag(name: .shortAndLong, help: "Cleanup stopped jobs from all directories")
    var all = false

    /// Extra positionals are accepted and ignored, as upstream does (§1.3).
    @Argument(help: .hidden)
    var ignored: [String] = []

    func run() throws {
        let scope = all ? nil : try DaemonSession.workingDirectory()
        let wording = DaemonSession.ErrorWording(command: "failed to cleanup: ", daemon: "cleanup failed: ")
        let response = try DaemonSession().send(.cleanup(workdir: scope), wording: wording)
        let count = try response.integer("count", wording: wording)
        Console.line("Cleaned up \(count) stopped job(s)")
    }
}
