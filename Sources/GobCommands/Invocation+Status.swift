import GobProtocol

extension Invocation {
    /// The reply's members in the order they are printed; others follow, sorted.
    static let statusKeyOrder = [
        "pid", "version", "protocol", "started_at", "uptime_seconds", "runtime_dir", "state_dir",
        "jobs_running", "jobs_stopped", "subscribers", "rss_bytes", "port_lookups_pending",
    ]

    /// `status`: the daemon's health, without ever starting it.
    static func runStatus(json: Bool) throws {
        let session = DaemonSession()
        let wording = DaemonSession.ErrorWording(prefix: "failed to get status: ")
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
            for key in statusKeyOrder { members.append((key, response[key] ?? .null)) }
            members += response.data.filter { !statusKeyOrder.contains($0.0) }.sorted { $0.0 < $1.0 }
            Console.json(.object(members))
        } else {
            Console.out(statusText(response, compatible: compatible))
        }
    }

    /// The human-readable lines of `status`.
    static func statusText(_ response: Response, compatible: Bool) -> String {
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
        if let state = response["state_dir"]?.stringValue { text += "State directory: \(state)\n" }
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
