import GobProtocol

extension Invocation {
    /// `add`: creates and starts a job, then prints it, or follows it.
    static func runAdd(follow: Bool, description: String?, quiet: Bool, json: Bool, command: [String]) throws {
        let argv = try JobCommand.argv(from: command, requirement: "requires at least 1 arg(s), only received 0")
        let description = try JobDescription.validated(description)
        let workdir = try DaemonSession.workingDirectory()
        let wording = DaemonSession.ErrorWording(prefix: "failed to add job: ")
        // The job gets the bytes the shell gave gob, not the parser's repaired text.
        let command = OSString.exactWords(argv, from: OSString.arguments())
        let spec = JobSpec(
            command: command, workdir: workdir, environment: OSString.environment(), description: description,
            settings: .current())
        let events = follow ? try JobFollowSupport.subscribe(workdir: workdir) : nil
        let job = try DaemonSession().send(.add(spec), wording: wording).requireJob(wording: wording)
        if json {
            guard let events else { return Console.json(job.json) }
            return try JobFollowSupport.awaitAsJSON(job, events: events)
        }
        Console.line(quiet ? job.id : "Added job \(job.id) running: \(job.commandLine)")
        if let events { try JobFollowSupport.follow(job, events: events) }
    }
}
