import GobProtocol
import GobTUI

extension Invocation {
    /// Runs shown without `--limit`.
    static let defaultRunLimit = 20

    /// `runs`: the job's runs, newest first, as aligned lines or one JSON array.
    static func runRuns(limit: String?, json: Bool, arguments: [String]) throws {
        let jobID = try ArgumentCount.jobID(arguments)
        let count = try FlagValue.lineCount(limit, flag: "--limit") ?? defaultRunLimit
        let wording = DaemonSession.ErrorWording.verbatim
        let response = try DaemonSession().send(.runs(jobID: jobID, limit: count == 0 ? nil : count), wording: wording)
        guard let elements = response["runs"]?.arrayValue else { throw DaemonSession.missing("runs", wording: wording) }
        var runs: [RunSnapshot] = []
        runs.reserveCapacity(elements.count)
        for element in elements {
            guard let run = RunSnapshot(json: element) else { throw DaemonSession.missing("run", wording: wording) }
            runs.append(run)
        }
        if json {
            var array: [JSON] = []
            array.reserveCapacity(runs.count)
            for run in runs { array.append(run.json) }
            return Console.json(.array(array))
        }
        let unicode = TerminalCapabilities(environment: environmentValue).unicode
        Console.out(RunText.table(runs, nowSeconds: Timestamp.nowNanoseconds() / 1_000_000_000, unicode: unicode))
    }
}
