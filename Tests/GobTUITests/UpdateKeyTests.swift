import GobProtocol
import Testing
@testable import GobTUI

@Suite("Update: keys (contract §6.3, each applied once)")
struct UpdateKeyTests {
    typealias F = TUIFixture

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
        #expect(effects == [.tailLogs(LogSource(jobID: "J000", stdoutPath: "/rt/J000.stdout.log", stderrPath: "/rt/J000.stderr.log"))])
    }

    @Test func keysOnAnEmptyListDoNothing() {
        let model = F.loaded([])
        for key in [Key.character("s"), .character("S"), .character("r"), .character("d"), .character("c"), .down, .up, .character("G")] {
            let (next, effects) = F.press(model, key)
            #expect(effects.isEmpty, "\(key)")
            #expect(next.cursor == 0)
        }
    }

    @Test func stopOnlyARunningJob() {
        let running = F.loaded([F.job("A", pid: 5)])
        #expect(F.press(running, .character("s")).effects == [.send(.stop(jobID: "A", force: false), .stop(jobID: "A", pid: 5, force: false))])
        #expect(F.press(running, .character("S")).effects == [.send(.stop(jobID: "A", force: true), .stop(jobID: "A", pid: 5, force: true))])
        let stopped = F.loaded([F.job("A", status: .stopped)])
        #expect(F.press(stopped, .character("s")).effects.isEmpty)
        #expect(F.press(stopped, .character("S")).effects.isEmpty)
    }

    @Test func removeOnlyAStoppedJob() {
        #expect(F.press(F.loaded([F.job("A")]), .character("d")).effects.isEmpty)
        #expect(F.press(F.loaded([F.job("A", status: .stopped)]), .character("d")).effects == [.send(.remove(jobID: "A"), .remove(jobID: "A"))])
    }

    @Test func restartSendsTheTUIsEnvironment() {
        let effects = F.press(F.loaded([F.job("A", status: .stopped)]), .character("r")).effects
        #expect(effects == [.send(.restart(jobID: "A", environment: F.environment), .restart(jobID: "A"))])
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
        // `q` types a q; enter on empty text does nothing.
        #expect(F.press(model, .enter).model.dialog == .newJob(TextInput()))
        let typed = "npm  run\tdev q".map { Key.character($0) }
        for key in typed { model = F.apply(model, .key(key)).model }
        let (next, effects) = F.press(model, .enter)
        #expect(next.dialog == nil)
        #expect(effects == [.send(.add(JobSpec(command: ["npm", "run", "dev", "q"], workdir: F.workdir, environment: F.environment)), .add)])
    }

    @Test func newJobDialogCancelAndEmptyCommand() {
        var model = F.press(F.loaded([]), .character("n"), .character("x")).model
        model = F.press(model, .escape).model
        #expect(model.dialog == nil)
        model = F.press(model, .character("n"), .character(" "), .character(" ")).model
        let (next, effects) = F.press(model, .enter)
        #expect(next.dialog == nil)
        #expect(next.status?.text == "Empty command")
        #expect(!effects.contains { if case .send = $0 { true } else { false } })
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
