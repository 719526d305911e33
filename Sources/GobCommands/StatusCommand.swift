import ArgumentParser
import GobProtocol

/// `gob status [--json]`: the daemon's health in a few lines, without ever starting it.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the daemon's health (never starts it)",
        discussion: """
            Shows whether the per-user daemon runs and, when it does, its PID, version, \
            uptime, runtime directory, how many jobs it holds (running and stopped, all \
            directories), how many clients are subscribed to its events (gob logs, \
            gob events, the TUI, followers) and its memory use. Unlike every other \
            command that talks to the daemon, status does not start it when it is not \
            running.

            When the daemon is of another version than this gob (gob was upgraded while \
            it kept running), other commands are refused with "version mismatch: …"; \
            status still answers and says how to restart it.

            With --json, prints one JSON object: "running" (false when no daemon runs, \
            with only "runtime_dir" besides), "compatible" (whether this gob can talk to \
            it), then pid, version, protocol, started_at, uptime_seconds, runtime_dir, \
            jobs_running, jobs_stopped, subscribers and rss_bytes.

            Examples:
              gob status
              gob status --json

            Output:
              Daemon running, PID 28911
              Version: dev (protocol dev/2)
              Uptime: 2h03m (since 2026-11-26T14:03:51Z)
              Runtime directory: /run/user/1000/gob
              Jobs: 2 running, 1 stopped
              Subscribers: 1
              Memory: 5.1 MiB resident
            With no daemon:
              No daemon running (runtime directory /run/user/1000/gob)

            Exit status: 0 whether or not a daemon runs; 1 on any error (for example \
            "failed to get status: failed to decode response: EOF").
            """)

    @Flag(help: "Output in JSON format")
    var json = false

    /// Extra positionals are accepted and ignored, like the other listing commands (§1.3).
    @Argument(help: .hidden)
    var ignored: [String] = []

    /// The reply's members in the order they are printed; others follow, sorted.
    static let keyOrder = [
        "pid", "version", "protocol", "started_at", "uptime_seconds", "runtime_dir",
        "jobs_running", "jobs_stopped", "subscribers", "rss_bytes",
    ]

    func run() throws {
        let session = DaemonSession()
        let wording = DaemonSession.ErrorWording(command: "failed to get status: ", daemon: "status failed: ")
        guard let response = try session.sendIfRunning(.status, wording: wording) else {
            let directory = session.client.paths.directory
            if json {
                Console.json(.object([("running", .bool(false)), ("runtime_dir", .string(directory))]))
            } else {
                Console.line("No daemon running (runtime directory \(directory))")
            }
            return
        }
        let compatible = response["protocol"]?.stringValue == GobVersion.handshake
        if json {
            var members: [(String, JSON)] = [("running", .bool(true)), ("compatible", .bool(compatible))]
            for key in Self.keyOrder { members.append((key, response[key] ?? .null)) }
            members += response.data.filter { !Self.keyOrder.contains($0.0) }.sorted { $0.0 < $1.0 }
            Console.json(.object(members))
        } else {
            Console.out(Self.text(response, compatible: compatible))
        }
    }

    /// The human-readable lines.
    static func text(_ response: Response, compatible: Bool) -> String {
        func value(_ key: String) -> String {
            guard let json = response[key] else { return "?" }
            return json.stringValue ?? json.intValue.map(String.init) ?? json.compact
        }
        let pid = value("pid")
        var text = "Daemon running, PID \(pid)\n"
        text += "Version: \(value("version")) (protocol \(value("protocol")))\n"
        let uptime = response["uptime_seconds"]?.intValue.map { DurationText.format(milliseconds: $0 * 1000) } ?? "?"
        text += "Uptime: \(uptime) (since \(value("started_at")))\n"
        text += "Runtime directory: \(value("runtime_dir"))\n"
        text += "Jobs: \(value("jobs_running")) running, \(value("jobs_stopped")) stopped\n"
        text += "Subscribers: \(value("subscribers"))\n"
        text += "Memory: \(response["rss_bytes"]?.intValue.map(byteSize) ?? "?") resident\n"
        if !compatible {
            text += "Warning: this gob is \(GobVersion.handshake) but the daemon is \(value("protocol")); other "
                + "commands are refused until it is restarted ('kill \(pid)' stops it and its jobs; the next "
                + "gob command starts the new one)\n"
        }
        return text
    }

    /// `812 KiB`, `5.1 MiB`, `1.2 GiB`: one decimal from MiB on.
    static func byteSize(_ bytes: Int64) -> String {
        let kib = (bytes + 512) / 1024
        if kib < 1024 { return "\(kib) KiB" }
        let tenthsMiB = (bytes * 10 + 524_288) / 1_048_576
        if tenthsMiB < 10240 { return "\(tenthsMiB / 10).\(tenthsMiB % 10) MiB" }
        let tenthsGiB = (bytes / 1024 * 10 + 524_288) / 1_048_576
        return "\(tenthsGiB / 10).\(tenthsGiB % 10) GiB"
    }
}
