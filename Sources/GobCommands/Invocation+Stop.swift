import GobProtocol

extension Invocation {
    /// `stop`: stops a job's process group, gently or with `force` (contract §2.6).
    static func runStop(force: Bool, json: Bool, arguments: [String]) throws {
        let jobID = try ArgumentCount.exactlyOne(arguments)
        let wording = DaemonSession.ErrorWording.verbatim
        let response = try DaemonSession().send(.stop(jobID: jobID, force: force), wording: wording)
        if json { return Console.json(try response.requireJob(wording: wording).json) }
        let pid = try response.integer("pid", wording: wording)
        Console.line("\(force ? "Force stopped" : "Stopped") job \(jobID) (PID \(pid))")
    }
}
