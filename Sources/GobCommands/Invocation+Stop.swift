import GobProtocol

extension Invocation {
    /// `stop`: stops a job's process group, gently or with `force`, and says how it went:
    /// a job that was not running, a stop that needed SIGKILL.
    static func runStop(force: Bool, quiet: Bool, json: Bool, arguments: [String]) throws {
        let jobID = try ArgumentCount.jobID(arguments)
        let wording = DaemonSession.ErrorWording.verbatim
        let response = try DaemonSession().send(.stop(jobID: jobID, force: force), wording: wording)
        if json { return Console.json(try response.requireJob(wording: wording).json) }
        if quiet { return }
        if response["was_running"]?.boolValue == false { return Console.line("Job \(jobID) is not running") }
        let pid = try response.integer("pid", wording: wording)
        if force { return Console.line("Force stopped job \(jobID) (PID \(pid))") }
        if response["killed"]?.boolValue == true {
            return Console.line("Stopped job \(jobID) (PID \(pid)) with SIGKILL: it did not stop on SIGTERM")
        }
        Console.line("Stopped job \(jobID) (PID \(pid))")
    }
}
