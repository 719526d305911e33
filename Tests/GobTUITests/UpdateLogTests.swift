import GobProtocol
import Testing
@testable import GobTUI

@Suite("Update: log panes, scrolling and follow mode")
struct UpdateLogTests {
    typealias F = TUIFixture

    /// A model showing job A with 100 stdout lines and 10 stderr lines, follow on.
    static func withLogs() -> Model {
        let model = F.loaded([F.job("A")])
        return F.apply(
            model, .logData(jobID: "A", stream: .stdout, bytes: F.lines(100), restarted: false),
            .logData(jobID: "A", stream: .stderr, bytes: F.lines(10, prefix: "err"), restarted: false)).model
    }

    @Test func followKeepsPanesAtTheBottom() {
        let model = Self.withLogs()
        let height = model.layout.viewportHeight(.stdout)
        #expect(height == 38 - 7 - 3)
        #expect(model.stdout.top == 100 - height)
        #expect(model.stderr.top == 10 - model.layout.viewportHeight(.stderr))
    }

    @Test func logDataOfAnotherJobIsIgnored() {
        let model = F.apply(Self.withLogs(), .logData(jobID: "B", stream: .stdout, bytes: F.lines(5), restarted: false)).model
        #expect(model.stdout.lineCount == 100)
    }

    @Test func rewrittenLogStartsOver() {
        let model = F.apply(Self.withLogs(), .logData(jobID: "A", stream: .stdout, bytes: F.lines(3), restarted: true)).model
        #expect(model.stdout.lines == ["line 1", "line 2", "line 3"])
        #expect(model.stdout.top == 0)
    }

    @Test("each scroll key moves once")
    func scrollKeysApplyOnce() {
        var model = F.press(Self.withLogs(), .character("2")).model
        let bottom = model.stdout.top
        let half = model.layout.viewportHeight(.stdout) / 2
        model = F.press(model, .character("k")).model
        #expect(model.stdout.top == bottom - 1)
        #expect(!model.follow)
        model = F.press(model, .up).model
        #expect(model.stdout.top == bottom - 2)
        model = F.press(model, .pageUp).model
        #expect(model.stdout.top == bottom - 2 - half)
        model = F.press(model, .control("u")).model
        #expect(model.stdout.top == bottom - 2 - 2 * half)
        model = F.press(model, .control("d"), .pageDown).model
        #expect(model.stdout.top == bottom - 2)
        #expect(!model.follow)
        model = F.press(model, .character("j"), .down).model
        #expect(model.stdout.top == bottom)
        #expect(model.follow)
        // The stderr pane did not move.
        #expect(model.stderr.top == 10 - model.layout.viewportHeight(.stderr))
    }

    @Test func topBottomAndFollowToggle() {
        var model = F.press(Self.withLogs(), .character("2"), .character("g")).model
        #expect(model.stdout.top == 0)
        #expect(!model.follow)
        model = F.press(model, .character("G")).model
        #expect(model.follow)
        #expect(model.stdout.top == model.stdout.maximumTop(height: model.layout.viewportHeight(.stdout)))
        model = F.press(model, .character("f")).model
        #expect(!model.follow)
        model = F.press(model, .character("g"), .character("f")).model
        #expect(model.follow)
        #expect(model.stdout.top == model.stdout.maximumTop(height: model.layout.viewportHeight(.stdout)))
    }

    @Test func newDataDoesNotMoveAPaneWhenNotFollowing() {
        var model = F.press(Self.withLogs(), .character("2"), .character("g")).model
        model = F.apply(model, .logData(jobID: "A", stream: .stdout, bytes: F.lines(5, prefix: "more"), restarted: false)).model
        #expect(model.stdout.top == 0)
        model = F.press(model, .character("f")).model
        #expect(model.stdout.top == 105 - model.layout.viewportHeight(.stdout))
    }

    @Test func jobsPanelScrollsStdoutWithShiftKeys() {
        var model = Self.withLogs()
        let bottom = model.stdout.top
        model = F.press(model, .character("K")).model
        #expect(model.stdout.top == bottom - 1)
        #expect(!model.follow)
        model = F.press(model, .character("J")).model
        #expect(model.stdout.top == bottom)
        #expect(model.follow)
    }

    @Test func resizeKeepsFollowingPanesAtTheBottom() {
        var model = Self.withLogs()
        model = F.apply(model, .resize(Size(rows: 20, columns: 100))).model
        #expect(model.stdout.top == 100 - model.layout.viewportHeight(.stdout))
    }
}
