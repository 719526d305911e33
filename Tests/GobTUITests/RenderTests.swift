import GobProtocol
import Testing
@testable import GobTUI

@Suite("Render: model to screen")
struct RenderTests {
    typealias F = TUIFixture

    static func render(_ model: Model) -> Screen {
        Renderer.render(model, size: model.size)
    }

    @Test func emptyList() {
        let screen = Self.render(F.loaded([]))
        let rows = F.rows(screen, 0...3)
        #expect(rows[0] == "  gob    ~/app" + String(repeating: " ", count: 84) + "  0 jobs (0 running)")
        #expect(rows[1] == "╭─ 1 Jobs " + String(repeating: "─", count: 37) + "╮╭─ 2 stdout " + String(repeating: "─", count: 59) + "╮")
        #expect(rows[2].hasPrefix("│ No jobs. Press 'n' to start one.             ││ No job selected"))
        #expect(F.rows(screen, 32...33) == [
            "│" + String(repeating: " ", count: 46) + "│╭─ 3 stderr " + String(repeating: "─", count: 59) + "╮",
            "│" + String(repeating: " ", count: 46) + "││" + String(repeating: " ", count: 70) + "│",
        ])
        #expect(F.rows(screen, 38...39) == [
            "╰" + String(repeating: "─", count: 46) + "╯╰" + String(repeating: "─", count: 70) + "╯",
            " ↑↓ navigate  s stop  S kill  r restart  d delete  c copy  n new  a all dirs  1/2/3 panels  ? help  q quit",
        ])
    }

    @Test func oneRunningJobWithOutput() {
        var model = F.loaded([F.job("Vc5Ygdx", pid: 25571, command: ["npm", "run", "dev"])])
        model = F.apply(
            model, .logData(jobID: "Vc5Ygdx", stream: .stdout, bytes: Array("ready\n\nlistening on :3000\n".utf8), restarted: false)
        ).model
        let screen = Self.render(model)
        #expect(screen.line(0).hasSuffix("  1 jobs (1 running)  "))
        let rows = F.rows(screen, 1...4)
        #expect(rows[0].hasSuffix("╮╭─ 2 stdout: Vc5Ygdx ● [following] " + String(repeating: "─", count: 36) + "╮"))
        #expect(rows[1] == "│  ● Vc5Ygdx [25571] npm run dev".padding(47) + "│" + "│ ready".padding(71) + "│")
        // Empty lines are left out, as upstream does.
        #expect(rows[2].hasSuffix("│" + "│ listening on :3000".padding(71) + "│"))
        #expect(screen.line(32).hasSuffix("╭─ 3 stderr [following] " + String(repeating: "─", count: 47) + "╮"))
        #expect(screen.line(33).hasSuffix("│" + "│ (no errors)".padding(71) + "│"))
        // The selected row: plain text, padded to the full width on the selection colours.
        #expect(screen[2, 3].style == Theme.selectedRow)
        #expect(screen[2, 45].style == Theme.selectedRow)
        #expect(screen[2, 1].style == .plain)
    }

    @Test func runningAndStoppedGlyphsAndColours() {
        var model = F.loaded([F.job("RUN", pid: 1), F.job("STOP", pid: 2, status: .stopped)])
        model.focus = .stdout
        let screen = Self.render(model)
        #expect(screen.line(3).hasPrefix("│  ○ STOP [2] sleep 60"))
        #expect(screen[3, 3].style == Theme.stoppedGlyph)
        #expect(screen[3, 5].style == Theme.identifier)
        #expect(screen[3, 10].style == Theme.mutedText)
        // With the focus elsewhere the selected row is still highlighted.
        #expect(screen[2, 3].style == Theme.selectedRow)
        #expect(screen[1, 0].style == Theme.border(focused: false))
        #expect(screen[1, 48].style == Theme.border(focused: true))
        #expect(screen.line(39).hasPrefix(" ↑↓ scroll  g/G top/bottom  f follow  1/2/3 panels  ? help  q quit"))
        model.focus = .jobs
        model = F.apply(model, F.event(.jobStopped, F.job("RUN", pid: 1, status: .stopped))).model
        #expect(Self.render(model).line(1).contains("2 stdout: RUN ○ [following]"))
    }

    @Test func failedJobsStandApart() {
        var model = F.loaded([
            F.job("OK", pid: 1, status: .stopped, exitCode: 0), F.job("BAD", pid: 2, status: .stopped, exitCode: 7),
            F.job("KIL", pid: 3, status: .stopped, signal: "SIGKILL"),
            F.job("GOB", pid: 4, status: .stopped, signal: "SIGTERM", stoppedByGob: true),
        ])
        var screen = Self.render(model)
        #expect(screen.line(2).hasPrefix("│  ○ OK [1] sleep 60"))
        #expect(screen.line(3).hasPrefix("│  ✗ BAD [2] sleep 60"))
        #expect(screen.line(4).hasPrefix("│  ✗ KIL [3] sleep 60"))
        #expect(screen.line(5).hasPrefix("│  ○ GOB [4] sleep 60"), "a stop by gob is no failure")
        #expect(screen[3, 3].style == Theme.failedGlyph && screen[5, 3].style == Theme.stoppedGlyph)
        #expect(Theme.failedGlyph != Theme.stoppedGlyph)
        // The selected job's title says how it failed; an ended job that printed nothing says so.
        #expect(screen.line(1).contains("2 stdout: OK ○ [following]"))
        #expect(screen.line(2).hasSuffix("│" + "│ (no output)".padding(71) + "│"))
        model = F.press(model, .down).model
        screen = Self.render(model)
        #expect(screen.line(1).contains("2 stdout: BAD ✗ exit 7 [following]"))
        let ascii = Self.render(F.loaded([F.job("BAD", pid: 2, status: .stopped, exitCode: 7)], unicode: false))
        #expect(ascii.line(2).hasPrefix("|  ! BAD [2] sleep 60"))
    }

    @Test func newJobDialogShowsWhyNothingStarted() {
        var model = F.press(F.loaded([]), .character("n")).model
        for character in "make && make test" { model = F.press(model, .character(character)).model }
        model = F.press(model, .enter).model
        let text = Self.render(model).text
        #expect(text.contains("the command uses shell syntax (&&), but gob runs"), "\(text)")
        #expect(text.contains("> make && make test"))
        #expect(text.contains("enter: start • esc: cancel"))
    }

    @Test func manyJobsScroll() {
        var model = F.loaded(F.jobs(100))
        var screen = Self.render(model)
        #expect(screen.line(2).contains("J099 [1099]"))
        #expect(screen.line(37).contains("J064 [1064]"))
        #expect(screen.line(38).hasPrefix("╰"))
        model = F.press(model, .character("G")).model
        screen = Self.render(model)
        #expect(screen.line(2).contains("J035 [1035]"))
        #expect(screen.line(37).contains("J000 [1000]"))
        #expect(screen[37, 3].style == Theme.selectedRow)
    }

    @Test func longCommandsAreCut() {
        let command: [OSString] = ["sh", "-c", OSString(String(repeating: "x", count: 200))]
        let screen = Self.render(F.loaded([F.job("A", pid: 1, command: command)]))
        // The command limit is max(J − 4 − 25, 10) = 19 columns.
        #expect(screen.line(2).hasPrefix("│  ● A [1] sh -c xxxxxxxxxxxx… "))
    }

    @Test func allDirectoriesShowEachJobsDirectory() {
        var model = F.loaded([])
        model.allDirectories = true
        model = F.apply(model, F.event(.jobAdded, F.job("B", pid: 2, workdir: "/srv/web")), F.event(.jobAdded, F.job("A", pid: 1))).model
        let screen = Self.render(model)
        #expect(screen.line(0).hasPrefix("  gob    all directories  "))
        #expect(F.rows(screen, 2...5).map { String($0.prefix(30)) } == [
            "│  ● A [1] sleep 60", "│    ~/app", "│  ● B [2] sleep 60", "│    /srv/web",
        ].map { $0.padding(30) })
        // B was selected first and stays selected when A arrives.
        #expect(screen[3, 5].style == Style(foreground: Theme.muted, italic: true))
        #expect(screen[5, 5].style == Theme.selectedRow)
    }

    @Test func statusMessagesAndLostConnection() {
        var model = F.loaded([])
        model = F.apply(model, .copied(error: "no clipboard tool found (install xclip, xsel or wl-copy)")).model
        var screen = Self.render(model)
        #expect(screen.line(39).hasPrefix(" Failed to copy: no clipboard tool found (install xclip, xsel or wl-copy)"))
        #expect(screen[39, 1].style == Theme.errorMessage)
        model = F.apply(model, .statusExpired(serial: model.statusSerial), .subscriptionLost("failed to decode event: EOF")).model
        screen = Self.render(model)
        #expect(screen.line(39).hasPrefix(" Daemon connection lost (failed to decode event: EOF); reconnecting…"))
    }

    @Test func newJobDialog() {
        var model = F.press(F.loaded([F.job("A")]), .character("n")).model
        var screen = Self.render(model)
        #expect(!screen.text.contains("1 Jobs"))
        let rows = F.rows(screen, 15...23).map { $0.trimmingLeadingSpaces }
        #expect(rows == [
            "╭" + String(repeating: "─", count: 57) + "╮",
            "│" + String(repeating: " ", count: 57) + "│",
            "│  Start New Job" + String(repeating: " ", count: 42) + "│",
            "│" + String(repeating: " ", count: 57) + "│",
            "│  > command args..." + String(repeating: " ", count: 38) + "│",
            "│" + String(repeating: " ", count: 57) + "│",
            "│  enter: start • esc: cancel" + String(repeating: " ", count: 29) + "│",
            "│" + String(repeating: " ", count: 57) + "│",
            "╰" + String(repeating: "─", count: 57) + "╯",
        ])
        #expect(screen.line(15).hasPrefix(String(repeating: " ", count: 30) + "╭"))
        for character in "make -j4" { model = F.apply(model, .key(.character(character))).model }
        screen = Self.render(model)
        #expect(screen.line(19).contains("│  > make -j4 "))
        #expect(screen[19, 30 + 3 + 2 + 8].style.reverse)
    }

    @Test func helpDialog() {
        let screen = Self.render(F.press(F.loaded([]), .character("?")).model)
        let text = screen.text
        for expected in [
            "Keyboard Shortcuts", "Navigation", "↑/k ↓/j    move cursor", "Job Actions", "s          stop (SIGTERM)",
            "S          kill (SIGKILL)", "d          delete stopped", "Log Viewer", "pgup/pgdn  page scroll",
            "f          toggle follow", "Other", "a          toggle all dirs", "press esc or ? to close",
        ] {
            #expect(text.contains(expected), "\(expected)")
        }
        #expect(!text.contains("1 Jobs"))
        // The dialog's top border, wherever centring puts it: 45 columns inside.
        let rows = F.rows(screen, 0...(screen.size.rows - 1)).map(\.trimmingLeadingSpaces)
        #expect(rows.contains("╭" + String(repeating: "─", count: 45) + "╮"), "\(rows)")
        #expect(text.contains("[ ]        earlier/later run's logs") && text.contains("p          project jobs (gobfile)"))
    }

    @Test func narrowTerminal() {
        var model = F.loaded([F.job("Vc5Ygdx", pid: 25571, command: ["npm", "run", "dev"])], size: Size(rows: 10, columns: 40))
        model = F.apply(model, .logData(jobID: "Vc5Ygdx", stream: .stdout, bytes: F.lines(3), restarted: false)).model
        let screen = Self.render(model)
        #expect(screen.text == """
              gob    ~/app      1 jobs (1 running)
            ╭─ 1 Jobs ─────────────────────────────╮
            │  ● Vc5Ygdx [25571] npm run dev       │
            │                                      │
            │                                      │
            │                                      │
            │                                      │
            │                                      │
            ╰──────────────────────────────────────╯
             ↑↓ navigate  s stop  S kill  r restart…
            """)
    }

    @Test func tinyTerminal() {
        let model = F.loaded(F.jobs(5), size: Size(rows: 3, columns: 10))
        let screen = Self.render(model)
        #expect(screen.text == """
              gob    5
            ╭─ 1 Jobs
             ↑↓ navig…
            """)
        // Even 1×1 and 0×0 draw without trapping.
        _ = Renderer.render(model, size: Size(rows: 1, columns: 1))
        _ = Renderer.render(model, size: Size(rows: 0, columns: 0))
        _ = Renderer.render(F.press(model, .character("?")).model, size: Size(rows: 3, columns: 10))
        _ = Renderer.render(F.press(model, .character("n")).model, size: Size(rows: 2, columns: 5))
    }

    @Test func asciiFallback() {
        var model = F.loaded([F.job("A", pid: 1, command: ["echo", "漢字 ●"])], unicode: false)
        model = F.apply(model, .logData(jobID: "A", stream: .stdout, bytes: Array("café 漢字\n".utf8), restarted: false)).model
        let screen = Self.render(model)
        #expect(screen.text.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(screen.line(1).hasPrefix("+- 1 Jobs ---"))
        #expect(screen.line(2).hasPrefix("|  * A [1] echo '?? ?'"))
        #expect(screen.line(2).hasSuffix("|| caf? ??" + String(repeating: " ", count: 62) + "|"))
        #expect(screen.line(39).hasPrefix(" k/j navigate"))
    }

    @Test func hostileOutputKeepsTheLayout() {
        var model = F.loaded([F.job("A")])
        let hostile: [UInt8] = Array("\u{1B}[2J\u{1B}[31mred\u{1B}[0m \u{1B}]0;title\u{07}ok\r\n".utf8)
            + [0xFF, 0xFE, 0x41, 0x0A] + Array("漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字\n".utf8)
            + Array("\u{08}\u{07}bell\tand tab\u{7F}\n".utf8)
        model = F.apply(model, .logData(jobID: "A", stream: .stdout, bytes: hostile, restarted: false)).model
        let screen = Self.render(model)
        #expect(screen.line(2).hasSuffix("││ red ok" + String(repeating: " ", count: 63) + "│"))
        #expect(screen.line(3).hasSuffix("││ \u{FFFD}\u{FFFD}A" + String(repeating: " ", count: 66) + "│"))
        #expect(screen.line(4).hasSuffix("漢 … │"))
        #expect(screen.line(5).hasSuffix("││ bell    and tab" + String(repeating: " ", count: 54) + "│"))
        for row in 1..<39 {
            #expect(screen[row, 119].character == "│" || screen[row, 119].character == "╮" || screen[row, 119].character == "╯", "row \(row)")
        }
    }
}

extension String {
    var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }

    func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}

@Suite("Render: descriptions")
struct DescriptionRenderTests {
    @Test func theStdoutTitleCarriesTheSelectedJobsDescription() {
        var job = TUIFixture.job("V3x0QqI", pid: 7, command: ["npm", "run", "dev"])
        job.description = "web UI on :5173\u{1B}[31m"
        let model = TUIFixture.loaded([job])
        let screen = Renderer.render(model, size: model.size)
        #expect(screen.line(1).contains("2 stdout: V3x0QqI ● web UI on :5173 [following]"))
        #expect(!screen.line(1).contains("\u{1B}"))
    }
}

@Suite("Render: ports")
struct PortsRenderTests {
    static let ports = [
        ListeningPort(port: 5173, transport: .tcp, address: "127.0.0.1", pid: 7),
        ListeningPort(port: 24678, transport: .tcp, address: "::1", pid: 8),
    ]

    @Test func theStdoutTitleCarriesTheSelectedRunningJobsPorts() {
        var job = TUIFixture.job("k3v", pid: 7, command: ["npm", "run", "dev"])
        job.description = "web UI"
        job.ports = Self.ports
        let model = TUIFixture.loaded([job])
        #expect(Renderer.render(model, size: model.size).line(1).contains("2 stdout: k3v ● web UI :5173 :24678 [following]"))
        job.status = .stopped
        let stopped = TUIFixture.loaded([job])
        #expect(!Renderer.render(stopped, size: stopped.size).line(1).contains(":5173"), "a stopped job listens nowhere")
    }

    @Test func aPortsEventUpdatesTheJob() {
        let job = TUIFixture.job("k3v", pid: 7)
        var updated = job
        updated.ports = Self.ports
        let model = TUIFixture.apply(TUIFixture.loaded([job]), TUIFixture.event(.portsUpdated, updated)).model
        #expect(model.jobs.first?.ports == Self.ports)
        #expect(Renderer.render(model, size: model.size).line(1).contains(":5173 :24678"))
    }
}
