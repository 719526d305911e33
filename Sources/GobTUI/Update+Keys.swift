import GobProtocol

/// Keys, each applied once, each answered: an action says what it does or why it cannot
/// (`s` on a stopped job: "not running"), a key that does nothing here says so.
extension Update {
    mutating func handleKey(_ key: Key) {
        if let dialog = model.dialog {
            handleDialogKey(key, dialog)
            return
        }
        switch key {
        case .character("q"), .control("c"): quit()
        case .character("1"): model.focus = .jobs
        case .character("2"): model.focus = .stdout
        case .character("3"): model.focus = .stderr
        case .tab: model.focus = model.focus.next
        case .character("?"): model.dialog = .help
        case .character("n"): model.dialog = .newJob(TextInput())
        case .character("p"): effects.append(.loadGobfile(workdir: model.context.workdir))
        case .character("a"): toggleAllDirectories()
        default:
            switch model.focus {
            case .jobs: handleJobsKey(key)
            case .stdout: handleLogKey(key, .stdout)
            case .stderr: handleLogKey(key, .stderr)
            }
        }
    }

    /// `a`: all directories or just this one; a new subscription, then a new list.
    private mutating func toggleAllDirectories() {
        model.allDirectories.toggle()
        model.cursor = 0
        model.listTop = 0
        model.cursorToTopOnList = true
        effects.append(.subscribe(workdir: model.scope))
    }

    private mutating func handleJobsKey(_ key: Key) {
        let job = model.selectedJob
        let ellipsis = model.glyphs.ellipsis
        switch key {
        case .up, .character("k"):
            model.cursor = max(model.cursor - 1, 0)
            setFollow(true)
        case .down, .character("j"):
            model.cursor = min(model.cursor + 1, max(model.jobs.count - 1, 0))
            setFollow(true)
        case .character("g"), .home:
            model.cursor = 0
        case .character("G"), .end:
            model.cursor = max(model.jobs.count - 1, 0)
        case .character("s"), .character("S"):
            guard let job else { return sayNoJob() }
            guard job.status == .running else { return say("Job \(job.id) is not running", isError: true) }
            let force = key == .character("S")
            say("\(force ? "Killing" : "Stopping") \(job.id)\(ellipsis)")
            effects.append(.send(.stop(jobID: job.id, force: force), .stop(jobID: job.id, pid: job.pid, force: force)))
        case .character("r"):
            guard let job else { return sayNoJob() }
            say("Restarting \(job.id)\(ellipsis)")
            effects.append(.send(
                .restart(jobID: job.id, environment: model.context.environment), .restart(jobID: job.id)))
        case .character("d"):
            guard let job else { return sayNoJob() }
            guard job.status == .stopped else {
                return say("Job \(job.id) is running: stop it first (s)", isError: true)
            }
            effects.append(.send(.remove(jobID: job.id), .remove(jobID: job.id)))
        case .character("c"):
            guard let job else { return sayNoJob() }
            effects.append(.copy(job.commandLine))
        case .character("["):
            guard let job else { return sayNoJob() }
            // The runs are asked for when a job is selected; a `[` quicker than their
            // answer takes effect when it comes.
            if model.runsJobID == job.id && !model.runsLoaded {
                model.earlierRunWanted = true
                return say("Reading the runs of \(job.id)\(ellipsis)")
            }
            let next = (model.viewedRun ?? 0) + 1
            guard model.runsJobID == job.id, model.runs.indices.contains(next) else {
                return say("No earlier run of \(job.id)", isError: true)
            }
            showRun(next)
        case .character("]"):
            guard let job else { return sayNoJob() }
            guard let viewed = model.viewedRun else { return say("This is the latest run of \(job.id)", isError: true) }
            showRun(viewed - 1)
        case .character("K"):
            scroll(.stdout, by: -1)
        case .character("J"):
            scroll(.stdout, by: 1)
        default:
            sayUnknown(key)
        }
    }

    /// Shows run `index` of the selected job's runs in the log panes (0: its current run,
    /// live), saying which and how it ended.
    mutating func showRun(_ index: Int) {
        model.viewedRun = index > 0 ? index : nil
        syncLogs()
        guard model.runs.indices.contains(index) else { return }
        let run = model.runs[index]
        if index == 0 { return say("Latest run: \(run.id)") }
        let mark = RunOutcome.mark(run.outcome, exitCode: run.exitCode, signal: run.signal, unicode: model.context.unicode)
        say(run.logsPruned ? "Run \(run.id): its logs were pruned" : "Run \(run.id) \(mark)", isError: run.logsPruned)
    }

    /// The answer to an action key when no job is selected.
    private mutating func sayNoJob() {
        say(model.jobs.isEmpty ? "No jobs here yet: n starts one" : "No job selected", isError: true)
    }

    /// The answer to a key that does nothing where it was pressed.
    mutating func sayUnknown(_ key: Key) {
        say("\(key.name) does nothing here (? shows the keys)", isError: true)
    }

    /// Scrolling keys of the focused log pane. Besides the documented keys, the scroll
    /// widget's own upstream bindings (`b`/space page, `u`/`d` half page) work, once each.
    private mutating func handleLogKey(_ key: Key, _ stream: LogStream) {
        let height = model.layout.viewportHeight(stream)
        let half = max(height / 2, 1)
        switch key {
        case .up, .character("k"): scroll(stream, by: -1)
        case .down, .character("j"): scroll(stream, by: 1)
        case .pageUp, .control("u"), .character("u"): scroll(stream, by: -half)
        case .pageDown, .control("d"), .character("d"): scroll(stream, by: half)
        case .character("b"): scroll(stream, by: -max(height, 1))
        case .character(" "): scroll(stream, by: max(height, 1))
        case .character("g"), .home:
            var pane = model.pane(stream)
            pane.top = 0
            setPane(stream, pane)
            model.follow = false
        case .character("G"), .end:
            var pane = model.pane(stream)
            pane.scrollToBottom(height: height)
            setPane(stream, pane)
            model.follow = true
        case .character("f"):
            setFollow(!model.follow)
        default:
            sayUnknown(key)
        }
    }

    /// Scrolls one pane: up turns follow off, reaching the bottom turns it on.
    private mutating func scroll(_ stream: LogStream, by delta: Int) {
        var pane = model.pane(stream)
        let atBottom = pane.scroll(by: delta, height: model.layout.viewportHeight(stream))
        setPane(stream, pane)
        if delta < 0 {
            model.follow = false
        } else if atBottom {
            setFollow(true)
        }
    }

    /// Follow on jumps both panes to the bottom.
    private mutating func setFollow(_ on: Bool) {
        model.follow = on
        if on { scrollLogsToBottom() }
    }

    private mutating func handleDialogKey(_ key: Key, _ dialog: Dialog) {
        if key == .control("c") { return quit() }
        switch dialog {
        case .help:
            if key == .escape || key == .character("?") || key == .character("q") { model.dialog = nil }
        case let .project(project):
            handleProjectKey(key, project)
        case .newJob(var input, _):
            switch key {
            case .escape:
                model.dialog = nil
            case .enter:
                // Split as a shell would, without expansion: the job runs what was typed.
                let argv: [String]
                do { argv = try ShellWords.split(input.text) } catch {
                    model.dialog = .newJob(input, problem: error.description)
                    return
                }
                guard !argv.isEmpty else {
                    model.dialog = .newJob(input, problem: "Type a command to run, or press esc to cancel")
                    return
                }
                model.dialog = nil
                say("Starting \(ShellWords.quote(argv))\(model.glyphs.ellipsis)")
                let spec = JobSpec(command: argv.map { OSString($0) }, workdir: model.context.workdir, environment: model.context.environment)
                effects.append(.send(.add(spec), .add))
            default:
                input.handle(key)
                model.dialog = .newJob(input)
            }
        }
    }
}
