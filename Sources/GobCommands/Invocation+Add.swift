import GobProtocol

extension Invocation {
    /// `add`: creates and starts a job, then prints it, or follows it (contract §2.3).
    static func runAdd(follow: Bool, description: String?, quiet: Bool, json: Bool, command: [String]) throws {
        let argv = try ArgumentCount.atLeastOne(command)
        let description = try JobDescription.validated(description)
        let workdir = try DaemonSession.workingDirectory()
        let wording = DaemonSession.ErrorWording(command: "failed to add job: ", daemon: "add failed: ")
        let spec = JobSpec(
            command: argv, workdir: workdir, environment: currentEnvironment(), description: description,
            settings: .current())
        let events = follow ? try JobFollowSupport.subscribe(workdir: workdir) : nil
        let job = try DaemonSession().send(.add(spec), wording: wording).requireJob(wording: wording)
        if json {
            guard let events else { return Console.json(job.json) }
            return try JobFollowSupport.awaitAsJSON(job, events: events)
        }
        Console.line(quiet ? job.id : "Added job \(job.id) running: \(JobSnapshot.spaced(argv))")
        if let events { try JobFollowSupport.follow(job, events: events) }
    }
}
