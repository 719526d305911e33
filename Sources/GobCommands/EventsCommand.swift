import ArgumentParser
import GobClient
import GobProtocol

/// `gob events [-a]`: print the daemon's job events as they happen, one compact JSON
/// object per line.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Subscribe to daemon events",
        discussion: """
            Prints every job event of the current directory (all directories with \
            --all) as one compact JSON object per line, until interrupted: job_added, \
            job_started, job_stopped (with the exit code or signal) and job_removed. \
            Each object has "type", "job_id" and "job" (the job as `gob list --json` \
            shows it, plus its log paths). Scripts can match substrings such as \
            "type":"job_stopped".

            Examples:
              gob events
              gob events --all | grep '"type":"job_stopped"'

            Output (one line per event, shortened here):
              {"type":"job_added","job_id":"k3v","job":{"id":"k3v",...}}

            The stream goes on through a daemon restart (gob daemon restart) and a \
            daemon killed and replaced (the next daemon adopts its jobs); events in \
            between are not replayed.

            Exit status: runs until interrupted; 125 when the gob daemon is stopped ("the \
            gob daemon stopped") or cannot be reached; 1 when the subscription fails \
            otherwise.
            """)

    @Flag(name: .shortAndLong, help: "Show events from all directories")
    var all = false

    /// Refused: `events` takes no arguments.
    @Argument(help: .hidden)
    var arguments: [String] = []

    func run() throws {
        try ArgumentCount.none(arguments, command: "events")
        let workdir = all ? nil : try DaemonSession.workingDirectory()
        let events = try JobFollowSupport.subscribe(workdir: workdir)
        // A daemon restarting in place, or replaced after a crash, does not end the stream.
        events.rideThroughRestarts(awaiting: [])
        let output = OutputSink(colors: false)
        while true {
            do throws(EventStream.End) {
                var text = ""
                for event in try events.next() { text += event.json.compact + "\n" }
                if !output.write(text) { return }
            } catch {
                if error.isDaemonGone { throw JobFollowSupport.daemonStopped }
                throw CommandFailure("subscription error: \(error.description)", code: .daemonUnavailable)
            }
        }
    }
}
