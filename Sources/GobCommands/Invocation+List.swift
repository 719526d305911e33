import GobProtocol

extension Invocation {
    /// What sets a job's description apart from the job lines of `list`.
    static let descriptionIndent = "    "

    /// `list`: the jobs of this directory (all with `all`), newest first (contract §2.5).
    static func runList(all: Bool, workdir: Bool, json: Bool) throws {
        let scope = all ? nil : try DaemonSession.workingDirectory()
        let wording = DaemonSession.ErrorWording(command: "failed to list jobs: ", daemon: "list failed: ")
        if json {
            var output = try DaemonSession().sendListJSON(.list(workdir: scope), wording: wording)
            output.append(0x0A)
            Console.out(bytes: output)
            return
        }
        let jobs = try DaemonSession().sendList(.list(workdir: scope), wording: wording)
        guard !jobs.isEmpty else {
            Console.line("No jobs found")
            return
        }
        var text = ""
        for job in jobs {
            if all || workdir {
                let directory = job.workdir.isEmpty ? "<unknown>" : job.workdir
                text += "\(job.id): [\(job.pid)] \(job.status.rawValue) (\(directory)): \(job.commandLine)\n"
            } else {
                text += "\(job.id): [\(job.pid)] \(job.status.rawValue): \(job.commandLine)\n"
            }
            if let description = job.description, !description.isEmpty {
                text += descriptionIndent + description + "\n"
            }
        }
        Console.out(text)
    }
}
