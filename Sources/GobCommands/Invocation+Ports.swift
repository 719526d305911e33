import GobProtocol

extension Invocation {
    /// `ports`: the listening sockets of one job's tree, or of every running job of this
    /// directory (of every directory with `all`).
    static func runPorts(all: Bool, json: Bool, arguments: [String]) throws {
        guard arguments.count <= 1 else { throw CommandFailure.usage("accepts at most 1 arg(s), received \(arguments.count)") }
        let jobID = try arguments.first.map(JobIDArgument.checked)
        if jobID != nil && all { throw CommandFailure.usage("a job ID and --all cannot be used together") }
        let scope = jobID != nil || all ? nil : try DaemonSession.workingDirectory()
        let wording = DaemonSession.ErrorWording.verbatim
        let response = try DaemonSession().send(.ports(jobID: jobID, workdir: scope), wording: wording)
        guard let elements = response["jobs"]?.arrayValue else { throw DaemonSession.missing("jobs", wording: wording) }
        var jobs: [JobPortsReport] = []
        for element in elements {
            if let job = JobPortsReport(json: element) { jobs.append(job) }
        }
        if let jobID {
            guard let job = jobs.first, let element = elements.first else { throw DaemonSession.missing("jobs", wording: wording) }
            if json { return Console.json(element) }
            Console.out(JobPortsReport.text(of: job, id: jobID))
            return
        }
        if json { return Console.json(.array(elements)) }
        Console.out(JobPortsReport.text(of: jobs))
    }
}
