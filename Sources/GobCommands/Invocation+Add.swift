import GobProtocol

extension Invocation {
    /// `add`: creates and starts a job, then prints it, or follows it (contract §2.3).
    static func runAdd(follow: Bool, description: String?, quiet: Bool, json: Bool, command: [String]) throws {
        let argv = try ArgumentCount.atLeastOne(command)
        let description = try JobDescription.validated(description)
        let workdir = try DaemonSession.workingDirectory()
        let wording = DaemonSession.ErrorWording(command: "failed to add job: ", daemon: "add failed: ")
        // The job gets the bytes the shell gave gob, not the parser's repaired text.
        let command = OSString.exactWords(argv, from: OSString.arguments())
        let spec = JobSpec(command: command, workdir: workdir, environment: OSString.environment(), description: description)
        let events = follow ? try JobFollowSupport.subscribe(workdir: workdir) : nil
        let job = try DaemonSession().send(.add(spec), wording: wording).requireJob(wording: wording)
        if json {
            guard let events else { return Console.json(job.json) }
            return try JobFollowSupport.awaitAsJSON(job, events: events)
        }
        Console.line(quiet ? job.id : "Added job \(job.id) running: \(OSString.spaced(command))")
        if let events { try JobFollowSupport.follow(job, events: events) }
    }
}
