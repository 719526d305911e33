import GobProtocol
import Testing
@testable import GobTUI

@Suite("Update: keys, each applied once and each answered")
struct UpdateKeyTests {
    typealias F = TUIFixture

    /// The effects that act: requests and clipboard copies, without the status message's
    /// expiry timer.
    static func actions(_ effects: [Effect]) -> [Effect] {
        effects.filter {
            if case .expireStatus = $0 { return false }
            return true
        }
    }

    @Test func cursorMovesWithinTheList() {
        var model = F.loaded(F.jobs(3))
        model = F.press(model, .up).model
        #expect(model.cursor == 0)
        model = F.press(model, .down, .character("j")).model
        #expect(model.cursor == 2)
        model = F.press(model, .character("j"), .down).model
        #expect(model.cursor == 2)
        model = F.press(model, .character("k")).model
        #expect(model.cursor == 1)
        model = F.press(model, .character("g")).model
        #expect(model.cursor == 0)
        model = F.press(model, .character("G")).model
        #expect(model.cursor == 2)
    }

    @Test func movingTheCursorSwitchesLogsAndTurnsFollowOn() {
        var model = F.loaded(F.jobs(2))
        model.follow = false
        let (next, effects) = F.press(model, .down)
        #expect(next.follow)
        #expect(next.logJobID == "J000")
        #expect(effects == [
            .send(.runs(jobID: "J000", limit: Update.runLimit), .runs(jobID: "J000", generation: model.runsGeneration + 1)),
            .tailLogs(LogSource(jobID: "J000", stdoutPath: "/rt/J000.stdout.log", stderrPath: "/rt/J000.stderr.log")),
        ])
    }

    @Test func actionsOnAnEmptyListSaySo() {
        let model = F.loaded([])
        for key in [Key.character("s"), .character("S"), .character("r"), .character("d"), .character("c")] {
            let (next, effects) = F.press(model, key)
            #expect(Self.actions(effects).isEmpty, "\(key)")
            #expect(next.status == StatusMessage(text: "No jobs here yet: n starts one", isError: true, serial: 1), "\(key)")
        }
        for key in [Key.down, .up, .character("G")] {
            let (next, effects) = F.press(model, key)
            #expect(effects.isEmpty, "\(key)")
            #expect(next.cursor == 0)
        }
    }

    @Test func stopOnlyARunningJob() {
        let running = F.loaded([F.job("A", pid: 5)])
        let stop = F.press(running, .character("s"))
        #expect(Self.actions(stop.effects) == [.send(.stop(jobID: "A", force: false), .stop(jobID: "A", pid: 5, force: false))])
        #expect(stop.model.status?.text == "Stopping A…", "answered at once: a stop may take 10 s")
        let kill = F.press(running, .character("S"))
        #expect(Self.actions(kill.effects) == [.send(.stop(jobID: "A", force: true), .stop(jobID: "A", pid: 5, force: true))])
        #expect(kill.model.status?.text == "Killing A…")
        let stopped = F.loaded([F.job("A", status: .stopped)])
        for key in [Key.character("s"), .character("S")] {
            let (next, effects) = F.press(stopped, key)
            #expect(Self.actions(effects).isEmpty)
            #expect(next.status?.text == "Job A is not running" && next.status?.isError == true)
        }
    }

    @Test func removeOnlyAStoppedJob() {
        let running = F.press(F.loaded([F.job("A")]), .character("d"))
        #expect(Self.actions(running.effects).isEmpty)
        #expect(running.model.status?.text == "Job A is running: stop it first (s)")
        let stopped = F.press(F.loaded([F.job("A", status: .stopped)]), .character("d"))
        #expect(stopped.effects == [.send(.remove(jobID: "A"), .remove(jobID: "A"))])
    }

    @Test func restartSendsTheTUIsEnvironment() {
        let (model, effects) = F.press(F.loaded([F.job("A", status: .stopped)]), .character("r"))
        #expect(Self.actions(effects) == [.send(.restart(jobID: "A", environment: F.environment), .restart(jobID: "A"))])
        #expect(model.status?.text == "Restarting A…")
    }

    @Test("keys that do nothing where pressed say so", arguments: [
        (Panel.jobs, Key.character("x"), "x does nothing here (? shows the keys)"),
        (.jobs, .character("f"), "f does nothing here (? shows the keys)"),
        (.jobs, .left, "left does nothing here (? shows the keys)"),
        (.stdout, .character("s"), "s does nothing here (? shows the keys)"),
        (.stderr, .control("x"), "ctrl+x does nothing here (? shows the keys)"),
    ])
    func unknownKeys(panel: Panel, key: Key, message: String) {
        var model = F.loaded([F.job("A")])
        model.focus = panel
        let (next, effects) = F.press(model, key)
        #expect(Self.actions(effects).isEmpty)
        #expect(next.status?.text == message && next.status?.isError == true)
    }

    @Test func stopRepliesSayWhatHappened() {
        let model = F.loaded([F.job("A", pid: 5)])
        let purpose = Purpose.stop(jobID: "A", pid: 5, force: false)
        func reply(_ data: [(String, JSON)]) -> String? {
            F.apply(model, .replied(purpose, .success(Response.ok(data)))).model.status?.text
        }
        #expect(reply([("pid", .int(5)), ("was_running", .bool(true)), ("killed", .bool(false))]) == "Stopped PID 5")
        #expect(reply([("pid", .int(5)), ("was_running", .bool(true)), ("killed", .bool(true))])
            == "Stopped PID 5 with SIGKILL: it did not stop on SIGTERM")
        #expect(reply([("pid", .int(5)), ("was_running", .bool(false)), ("killed", .bool(false))]) == "Job A is not running")
    }

    @Test func copyTheCommandLine() {
        let effects = F.press(F.loaded([F.job("A", command: ["npm", "run", "dev"])]), .character("c")).effects
        #expect(effects == [.copy("npm run dev")])
    }

    @Test func quitOnQAndControlC() {
        for key in [Key.character("q"), .control("c")] {
            let (model, effects) = F.press(F.loaded([]), key)
            #expect(model.quitting)
            #expect(effects == [.quit])
        }
    }

    @Test func focusKeys() {
        var model = F.loaded([])
        model = F.press(model, .character("2")).model
        #expect(model.focus == .stdout)
        model = F.press(model, .character("3")).model
        #expect(model.focus == .stderr)
        model = F.press(model, .character("1")).model
        #expect(model.focus == .jobs)
        model = F.press(model, .tab, .tab).model
        #expect(model.focus == .stderr)
        model = F.press(model, .tab).model
        #expect(model.focus == .jobs)
    }

    @Test func allDirectoriesResubscribesRelistsAndSelectsTheFirstJob() {
        var model = F.loaded([F.job("B"), F.job("A")])
        model = F.press(model, .down).model
        var effects: [Effect]
        (model, effects) = F.press(model, .character("a"))
        #expect(model.allDirectories)
        #expect(model.cursor == 0)
        #expect(effects.first == .subscribe(workdir: nil))
        (model, effects) = F.apply(model, .subscribed)
        #expect(effects == [.send(.list(workdir: nil), .list(generation: model.listGeneration))])
        let all = [F.job("X", workdir: "/other"), F.job("B"), F.job("A")]
        model = F.apply(model, F.listReply(all, generation: model.listGeneration)).model
        #expect(model.cursor == 0)
        #expect(model.selectedJob?.id == "X")
        // Events of other directories count in all-dirs mode.
        model = F.apply(model, F.event(.jobAdded, F.job("Y", workdir: "/third"))).model
        #expect(model.jobs.first?.id == "Y")
        (model, effects) = F.press(model, .character("a"))
        #expect(effects.first == .subscribe(workdir: F.workdir))
    }

    @Test func jobListScrollsToKeepTheCursorVisible() {
        var model = F.loaded(F.jobs(100))
        let visible = model.visibleJobCount
        #expect(visible == 36)
        model = F.press(model, .character("G")).model
        #expect(model.cursor == 99)
        #expect(model.listTop == 100 - visible)
        model = F.press(model, .character("g")).model
        #expect(model.listTop == 0)
        for _ in 0..<40 { model = F.press(model, .down).model }
        #expect(model.listTop == 40 - visible + 1)
    }

    @Test func shrinkingTheTerminalKeepsTheCursorVisible() {
        var model = F.loaded(F.jobs(100))
        model = F.press(model, .character("G")).model
        model = F.apply(model, .resize(Size(rows: 10, columns: 40))).model
        #expect(model.listTop == 100 - model.visibleJobCount)
    }

    @Test func helpDialogIgnoresOtherKeys() {
        var model = F.press(F.loaded([F.job("A")]), .character("?")).model
        #expect(model.dialog == .help)
        let (same, effects) = F.press(model, .character("s"), .character("n"), .down)
        #expect(same.dialog == .help)
        #expect(effects.isEmpty)
        for key in [Key.escape, .character("?"), .character("q")] {
            model = F.press(F.loaded([]), .character("?")).model
            let closed = F.press(model, key)
            #expect(closed.model.dialog == nil)
            #expect(!closed.model.quitting)
        }
        #expect(F.press(model, .control("c")).effects == [.quit])
    }

    @Test func newJobDialogAddsInTheTUIsDirectory() {
        var model = F.loaded([])
        model.allDirectories = true
        model = F.press(model, .character("n")).model
        #expect(model.dialog == .newJob(TextInput()))
        // `q` types a q; the typed text is split as a shell would.
        let typed = "npm  run\tdev q 'a b'".map { Key.character($0) }
        for key in typed { model = F.apply(model, .key(key)).model }
        let (next, effects) = F.press(model, .enter)
        #expect(next.dialog == nil)
        #expect(Self.actions(effects) == [
            .send(.add(JobSpec(command: ["npm", "run", "dev", "q", "a b"], workdir: F.workdir, environment: F.environment)), .add),
        ])
        #expect(next.status?.text == "Starting npm run dev q 'a b'…")
    }

    @Test func newJobDialogCancelEmptyAndUnterminated() {
        var model = F.press(F.loaded([]), .character("n"), .character("x")).model
        model = F.press(model, .escape).model
        #expect(model.dialog == nil)
        model = F.press(model, .character("n"), .character(" "), .character(" ")).model
        var (next, effects) = F.press(model, .enter)
        #expect(next.dialog == .newJob(TextInput("  "), problem: "Type a command to run, or press esc to cancel"))
        #expect(Self.actions(effects).isEmpty)

        // An unterminated quote keeps the dialog open, with the text, and says why.
        model = F.press(F.loaded([]), .character("n")).model
        for character in "sh -c 'echo" { model = F.press(model, .character(character)).model }
        (next, effects) = F.press(model, .enter)
        #expect(next.dialog == .newJob(TextInput("sh -c 'echo"),
                                       problem: "unterminated ' in the command (close it, or give the words as separate arguments)"))
        #expect(Self.actions(effects).isEmpty)
        // Typing goes on, and clears the problem.
        next = F.press(next, .character("'")).model
        #expect(next.dialog == .newJob(TextInput("sh -c 'echo'")))
        #expect(F.press(F.loaded([]), .character("n"), .control("c")).effects == [.quit])
    }

    @Test func textInputEditing() {
        var input = TextInput()
        for character in "hello wrld" { input.handle(.character(character)) }
        input.handle(.left)
        input.handle(.left)
        input.handle(.left)
        input.handle(.character("o"))
        #expect(input.text == "hello world")
        input.handle(.control("w"))
        #expect(input.text == "hello rld")
        input.handle(.home)
        input.handle(.delete)
        input.handle(.end)
        input.handle(.backspace)
        #expect(input.text == "ello rl")
        for _ in 0..<300 { input.handle(.character("x")) }
        #expect(input.characters.count == TextInput.limit)
    }
}
