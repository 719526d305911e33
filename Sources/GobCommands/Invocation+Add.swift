import GobProtocol

extension Invocation {
    /// `add`: creates and starts a job, then prints it, follows it, or waits until it is
    /// ready. A follow gives up on a run that looks stuck (`stuckAfter`: `--stuck-after`
    /// in milliseconds, else the job's estimate decides).
    static func runAdd(
        follow: Bool, description: String?, quiet: Bool, json: Bool, command: [String], ready: ReadinessRule? = nil,
        tail: Int? = nil, stuckAfter: Int64? = nil
    ) throws {
        try ReadyWait.checkCombination(follow: follow, quiet: quiet, rule: ready, tail: tail, storedRule: false)
        let argv = try JobCommand.argv(from: command, requirement: "requires at least 1 arg(s), only received 0")
        let description = try JobDescription.validated(description)
        let workdir = try DaemonSession.workingDirectory()
        let wording = DaemonSession.ErrorWording(prefix: "failed to add job: ")
        // The job gets the bytes the shell gave gob, not the parser's repaired text.
        let command = OSString.exactWords(argv, from: OSString.arguments())
        var spec = JobSpec(
            command: command, workdir: workdir, environment: OSString.environment(), description: description,
            settings: .current())
        // Set only when there is one: copying the optional rule whole would have the
        // runtime build `Optional<ReadinessRule>`'s metadata, 35,000 instructions of every add.
        if let ready { spec.ready = ready }
        // Subscribed before the job exists, so neither its end nor its readiness can slip by.
        let events = follow || ready != nil ? try JobFollowSupport.subscribe(workdir: workdir) : nil
        let response = try DaemonSession().send(.add(spec), wording: wording)
        let job = try response.requireJob(wording: wording)
        // A stopped job with the same command here got a new run.
        let verb = response["restarted"]?.boolValue == true ? "Restarted" : "Added"
        func announce() {
            if quiet { return Console.line(job.id) }
            Console.line("\(verb) job \(job.id) running: \(job.commandLine)")
            if let estimate = RunText.estimateLine(job) { Console.line(estimate) }
        }
        guard let events else { return json ? Console.json(job.json) : announce() }
        if ready != nil {
            if !json { announce() }
            return try ReadyWait.wait(for: job, events: events, tail: tail, quiet: quiet, json: json)
        }
        if json { return try JobFollowSupport.awaitAsJSON(job, events: events, stuckAfter: stuckAfter) }
        if quiet {
            return try JobFollowSupport.quietly(job, events: events, tail: tail ?? LogTails.quietDefault, stuckAfter: stuckAfter)
        }
        announce()
        try JobFollowSupport.follow(job, events: events, stuckAfter: stuckAfter)
    }
}
