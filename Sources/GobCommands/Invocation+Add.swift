import GobProtocol

extension Invocation {
    /// `add`: creates and starts a job, then prints it, follows it, or waits until it is
    /// ready.
    static func runAdd(
        follow: Bool, description: String?, quiet: Bool, json: Bool, command: [String], ready: ReadinessRule? = nil,
        tail: Int? = nil
    ) throws {
        try ReadyWait.checkCombination(follow: follow, quiet: quiet, rule: ready, tail: tail, storedRule: false)
        let argv = try JobCommand.argv(from: command, requirement: "requires at least 1 arg(s), only received 0")
        let description = try JobDescription.validated(description)
        let workdir = try DaemonSession.workingDirectory()
        let wording = DaemonSession.ErrorWording(prefix: "failed to add job: ")
        // The job gets the bytes the shell gave gob, not the parser's repaired text.
        let command = OSString.exactWords(argv, from: OSString.arguments())
        let spec = JobSpec(
            command: command, workdir: workdir, environment: OSString.environment(), description: description,
            settings: .current(), ready: ready)
        // Subscribed before the job exists, so neither its end nor its readiness can slip by.
        let events = follow || ready != nil ? try JobFollowSupport.subscribe(workdir: workdir) : nil
        let job = try DaemonSession().send(.add(spec), wording: wording).requireJob(wording: wording)
        guard let events else {
            return json ? Console.json(job.json) : Console.line(quiet ? job.id : "Added job \(job.id) running: \(job.commandLine)")
        }
        if ready != nil {
            if !json { Console.line(quiet ? job.id : "Added job \(job.id) running: \(job.commandLine)") }
            return try ReadyWait.wait(for: job, events: events, tail: tail, quiet: quiet, json: json)
        }
        if json { return try JobFollowSupport.awaitAsJSON(job, events: events) }
        if quiet { return try JobFollowSupport.quietly(job, events: events, tail: tail ?? LogTails.quietDefault) }
        Console.line("Added job \(job.id) running: \(job.commandLine)")
        try JobFollowSupport.follow(job, events: events)
    }
}
