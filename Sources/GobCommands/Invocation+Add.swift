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
        let response = try DaemonSession().send(.add(spec), wording: wording)
        let job = try response.requireJob(wording: wording)
        if json {
            guard let events else { return Console.json(job.json) }
            return try JobFollowSupport.awaitAsJSON(job, events: events)
        }
        if quiet {
            Console.line(job.id)
        } else {
            // A stopped job with the same command here got a new run.
            let verb = response["restarted"]?.boolValue == true ? "Restarted" : "Added"
            Console.line("\(verb) job \(job.id) running: \(job.commandLine)")
            if let estimate = RunText.estimateLine(job) { Console.line(estimate) }
        }
        if let events { try JobFollowSupport.follow(job, events: events) }
    }
}
