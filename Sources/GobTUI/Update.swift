import GobClient
import GobProtocol

/// The TUI's state transitions: `Update.apply(model, message)` returns the next model
/// and the effects the runtime must perform. Pure: no I/O, no clock, no globals, so
/// every behaviour of the TUI is testable without a terminal or a daemon.
public struct Update {
    /// How long a status message stays.
    public static let statusLifetime = 3_000
    /// Delay between reconnection attempts.
    public static let reconnectDelay = 1_000

    var model: Model
    var effects: [Effect] = []

    init(model: Model) {
        self.model = model
    }

    /// The next model and the effects that `message` causes.
    public static func apply(_ model: Model, _ message: Message) -> (Model, [Effect]) {
        var update = Update(model: model)
        update.handle(message)
        update.settle()
        return (update.model, update.effects)
    }

    /// The effects that start a TUI: subscribe first (its acknowledgement triggers the
    /// list, so no event between the two is lost).
    public static func start(_ model: Model) -> [Effect] {
        [.subscribe(workdir: model.scope)]
    }

    private mutating func handle(_ message: Message) {
        switch message {
        case let .key(key):
            handleKey(key)
        case let .resize(size):
            model.size = size
            if model.follow { scrollLogsToBottom() } else { clampLogs() }
        case .subscribed:
            if case .lost = model.connection { say("Reconnected to the daemon") }
            model.connection = .connected
            requestList()
        case let .subscriptionFailed(reason):
            model.connection = .lost(reason)
            say("Failed to connect: \(reason)", isError: true)
            effects.append(.reconnect(milliseconds: Self.reconnectDelay))
        case let .subscriptionLost(reason):
            model.connection = .lost(reason)
            effects.append(.reconnect(milliseconds: Self.reconnectDelay))
        case let .events(events):
            receive(events)
        case let .replied(purpose, result):
            handleReply(purpose, result)
        case let .logData(jobID, stream, bytes, restarted):
            receiveLog(jobID: jobID, stream: stream, bytes: bytes, restarted: restarted)
        case let .copied(error):
            if let error {
                say("Failed to copy: \(error)", isError: true)
            } else {
                say("Command copied to clipboard")
            }
        case let .gobfileLoaded(result):
            openProject(result)
        case let .statusExpired(serial):
            if model.status?.serial == serial { model.status = nil }
        case .reconnectDue:
            if case .lost = model.connection { effects.append(.subscribe(workdir: model.scope)) }
        }
    }

    /// Restores the invariants after any change: the cursor on an existing job or on
    /// nothing, the selected job visible in the list, the panes showing its logs.
    private mutating func settle() {
        model.cursor = model.jobs.isEmpty ? 0 : min(max(model.cursor, 0), model.jobs.count - 1)
        let visible = model.visibleJobCount
        if model.cursor < model.listTop { model.listTop = model.cursor }
        if model.cursor >= model.listTop + visible { model.listTop = model.cursor - visible + 1 }
        model.listTop = max(0, min(model.listTop, model.jobs.count - visible))
        syncLogs()
    }

    /// Points the log panes at the selected job's current run — or at the earlier run
    /// picked with `[` — when that changed (or always, `force`); asks for the runs of a
    /// newly selected job.
    mutating func syncLogs(force: Bool = false) {
        let selected = model.selectedJob
        if selected?.id != model.runsJobID {
            model.runsJobID = selected?.id
            model.runs = []
            model.viewedRun = nil
            model.earlierRunWanted = false
            if let selected { requestRuns(of: selected.id) }
        }
        let shown = model.shownRun
        let key = shown?.id ?? selected?.id
        guard force || key != model.logJobID else { return }
        model.logJobID = key
        model.stdout.reset()
        model.stderr.reset()
        if let shown {
            effects.append(.tailLogs(shown.logsPruned ? nil : LogSource(
                jobID: shown.id, stdoutPath: shown.stdoutPath, stderrPath: shown.stderrPath)))
            return
        }
        effects.append(.tailLogs(selected.map {
            LogSource(jobID: $0.id, stdoutPath: $0.stdoutPath, stderrPath: $0.stderrPath)
        }))
    }

    /// Runs of a job shown at most: `[` steps back through these.
    static let runLimit = 50

    /// Asks for the runs of job `id`; an older request's reply is then ignored.
    mutating func requestRuns(of id: String) {
        model.runsGeneration += 1
        model.runsLoaded = false
        effects.append(.send(.runs(jobID: id, limit: Self.runLimit), .runs(jobID: id, generation: model.runsGeneration)))
    }

    private mutating func receiveLog(jobID: String, stream: LogStream, bytes: [UInt8], restarted: Bool) {
        guard jobID == model.logJobID else { return }
        let height = model.layout.viewportHeight(stream)
        var pane = model.pane(stream)
        if restarted { pane.reset() }
        pane.append(bytes)
        if model.follow { pane.scrollToBottom(height: height) } else { pane.scroll(by: 0, height: height) }
        setPane(stream, pane)
    }

    /// Shows `text` in the status bar for `statusLifetime`.
    mutating func say(_ text: String, isError: Bool = false) {
        model.statusSerial += 1
        model.status = StatusMessage(text: text, isError: isError, serial: model.statusSerial)
        effects.append(.expireStatus(serial: model.statusSerial, milliseconds: Self.statusLifetime))
    }

    mutating func quit() {
        model.quitting = true
        effects.append(.quit)
    }

    mutating func setPane(_ stream: LogStream, _ pane: LogPane) {
        if stream == .stdout { model.stdout = pane } else { model.stderr = pane }
    }

    mutating func scrollLogsToBottom() {
        model.stdout.scrollToBottom(height: model.layout.viewportHeight(.stdout))
        model.stderr.scrollToBottom(height: model.layout.viewportHeight(.stderr))
    }

    private mutating func clampLogs() {
        model.stdout.scroll(by: 0, height: model.layout.viewportHeight(.stdout))
        model.stderr.scroll(by: 0, height: model.layout.viewportHeight(.stderr))
    }
}
