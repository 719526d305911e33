import GobClient
import GobProtocol
@testable import GobTUI

/// Models, jobs and message sequences for the TUI's pure tests.
enum TUIFixture {
    static let workdir: OSString = "/home/me/app"
    static let environment: [OSString] = ["PATH=/usr/bin:/bin", "HOME=/home/me"]
    static let size = Size(rows: 40, columns: 120)

    static func job(
        _ id: String, pid: Int32 = 100, status: JobSnapshot.Status = .running,
        command: [OSString] = ["sleep", "60"], workdir: OSString = workdir,
        exitCode: Int32? = nil, signal: String? = nil, stoppedByGob: Bool = false
    ) -> JobSnapshot {
        JobSnapshot(
            id: id, pid: pid, status: status, command: command, workdir: workdir,
            createdAt: "2026-11-26T14:14:59Z", stdoutPath: "/rt/\(id).stdout.log", stderrPath: "/rt/\(id).stderr.log",
            exitCode: exitCode, signal: signal, stoppedByGob: stoppedByGob)
    }

    /// `count` jobs, newest first, IDs `J000`… with the newest having the highest number.
    static func jobs(_ count: Int) -> [JobSnapshot] {
        var jobs: [JobSnapshot] = []
        for index in (0..<count).reversed() {
            let id = "J" + String(index).leftPadded(to: 3)
            let status: JobSnapshot.Status = index % 2 == 0 ? .running : .stopped
            jobs.append(job(id, pid: Int32(1000 + index), status: status))
        }
        return jobs
    }

    static func context(unicode: Bool = true) -> Model.Context {
        Model.Context(workdir: workdir, home: "/home/me", environment: environment, unicode: unicode)
    }

    /// A fresh model, before the subscription.
    static func fresh(size: Size = size, unicode: Bool = true) -> Model {
        Model(context: context(unicode: unicode), size: size)
    }

    /// A model that subscribed and received `jobs` as its list.
    static func loaded(_ jobs: [JobSnapshot], size: Size = size, unicode: Bool = true) -> Model {
        var model = fresh(size: size, unicode: unicode)
        model = apply(model, .subscribed).model
        model = apply(model, listReply(jobs, generation: model.listGeneration)).model
        return model
    }

    static func listReply(_ jobs: [JobSnapshot], generation: Int) -> Message {
        .replied(.list(generation: generation), .success(Response.ok([("jobs", .array(jobs.map(\.json)))])))
    }

    /// Applies `messages` in order; returns the last model and every effect.
    static func apply(_ model: Model, _ messages: Message...) -> (model: Model, effects: [Effect]) {
        var model = model
        var effects: [Effect] = []
        for message in messages {
            let (next, produced) = Update.apply(model, message)
            model = next
            effects += produced
        }
        return (model, effects)
    }

    /// Presses each key of `keys` in order.
    static func press(_ model: Model, _ keys: Key...) -> (model: Model, effects: [Effect]) {
        var model = model
        var effects: [Effect] = []
        for key in keys {
            let (next, produced) = Update.apply(model, .key(key))
            model = next
            effects += produced
        }
        return (model, effects)
    }

    static func event(_ kind: JobEvent.Kind, _ job: JobSnapshot) -> Message {
        .events([JobEvent(kind: kind, job: job)])
    }

    /// `count` lines `line 1`… as log bytes.
    static func lines(_ count: Int, prefix: String = "line") -> [UInt8] {
        Array((1...count).map { "\(prefix) \($0)\n" }.joined().utf8)
    }

    /// Rows `range` of the rendered screen, trailing spaces trimmed.
    static func rows(_ screen: Screen, _ range: ClosedRange<Int>) -> [String] {
        let lines = screen.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return Array(lines[range])
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
