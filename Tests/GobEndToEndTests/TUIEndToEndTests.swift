import Glibc
import CGobShims
import Foundation
import Testing

/// `gob tui` in a real terminal: tmux runs a shell in a private server, the test types
/// into it with `send-keys` and reads the screen with `capture-pane`.
@Suite("TUI in a real terminal", .enabled(if: TUITmux.available), .endToEnd, .timeLimit(.minutes(3)))
struct TUIEndToEndTests {
    @Test("jobs from another client appear; n starts one whose output shows; s stops it; d removes it; q quits")
    func session() async throws {
        try await Sandbox.run { sandbox async throws in
            let script = sandbox.workdir + "/tui-job.sh"
            // Escape sequences and invalid UTF-8 among the output: shown safely, layout intact.
            let output = #"printf 'tui-output-marker \033[31mred\033[0m \377\376 \033]0;title\007end\n'"#
            try "#!/bin/sh\n\(output)\nexec sleep 300\n".write(toFile: script, atomically: true, encoding: .utf8)
            chmod(script, 0o755)
            let tmux = try await TUITmux.start(in: sandbox)
            try await tmux.launchTUI()
            try await tmux.waitFor("the empty list") { $0.contains("No jobs. Press 'n' to start one.") && $0.contains("0 jobs (0 running)") }

            let (otherID, _) = try await sandbox.addJob("sleep", "300")
            try await tmux.waitFor("the job added by the CLI") { $0.contains("● \(otherID) [") && $0.contains("1 jobs (1 running)") }

            try await tmux.press("n")
            try await tmux.waitFor("the new-job dialog") { $0.contains("Start New Job") && $0.contains("> command args...") }
            try await tmux.type("./tui-job.sh")
            try await tmux.press("Enter")
            let started = try await tmux.waitFor("the started job") { $0.contains("Started ") && $0.contains("2 jobs (2 running)") }
            let newID = try #require(TUITmux.word(after: "Started ", in: started), "\(started)")
            #expect(newID != otherID)

            // The new job is the newest, first in the list; the cursor stayed on the other.
            try await tmux.press("g")
            let shown = try await tmux.waitFor("its output in the stdout pane") {
                $0.contains("2 stdout: \(newID) ● [following]") && $0.contains("│ tui-output-marker")
            }
            let line = try #require(shown.split(separator: "\n").first { $0.contains("tui-output-marker") })
            #expect(line.hasSuffix("││ tui-output-marker red \u{FFFD}\u{FFFD} end" + String(repeating: " ", count: 41) + "│"))

            try await tmux.press("s")
            try await tmux.waitFor("the stopped glyph") {
                $0.contains("○ \(newID) [") && $0.contains("2 stdout: \(newID) ○") && $0.contains("Stopped PID")
            }

            try await tmux.press("d")
            try await tmux.waitFor("the job removed") {
                !$0.contains("\(newID) [") && $0.contains("Removed \(newID)") && $0.contains("1 jobs (1 running)")
            }
            #expect(try await sandbox.listedJobs().map(\.id) == [otherID])

            try await tmux.press("q")
            try await tmux.waitForShell()
        }
    }

    @Test("the daemon going away is shown and survived; SIGTERM gives the terminal back")
    func daemonLossAndSignals() async throws {
        try await Sandbox.run { sandbox async throws in
            let tmux = try await TUITmux.start(in: sandbox)
            try await tmux.launchTUI()
            try await tmux.waitFor("the TUI") { $0.contains("1 Jobs") }
            let (id, pid) = try await sandbox.addJob("sleep", "300")
            try await tmux.waitFor("the job") { $0.contains("● \(id) [") }

            let daemon = try #require(sandbox.daemonPID)
            kill(daemon, SIGKILL)
            // The next daemon adopts the job: it runs on, with the same PID.
            try await tmux.waitFor("the reconnection") {
                $0.contains("Reconnected to the daemon") && $0.contains("1 jobs (1 running)")
            }
            #expect(sandbox.daemonPID != daemon)
            #expect(try await sandbox.listedJob(id)?.pid == pid)

            let tui = try #require(tmux.tuiProcess())
            kill(tui, SIGTERM)
            try await tmux.waitForShell()
        }
    }

    @Test("idle costs no CPU; resize, ASCII fallback, ctrl+c", .tags(.long))
    func idleResizeAndASCII() async throws {
        try await Sandbox.run { sandbox async throws in
            let tmux = try await TUITmux.start(in: sandbox)
            try await tmux.launchTUI(prefix: "LC_ALL=C ")
            try await tmux.waitFor("the ASCII frame") { $0.contains("+- 1 Jobs -") && $0.contains(" k/j navigate") }
            let tui = try #require(tmux.tuiProcess())
            let used = try #require(try await CPUTime.used(by: tui, over: .seconds(2)))
            #expect(used <= 2, "an idle TUI used \(used) ticks in 2 s")

            try await tmux.run("resize-window", "-t", TUITmux.session, "-x", "40", "-y", "10")
            try await tmux.waitFor("the narrow layout") { screen in
                let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
                return lines.count >= 10 && lines[8].hasPrefix("+------") && lines[9].hasPrefix(" k/j navigate")
            }
            try await tmux.press("C-c")
            try await tmux.waitForShell()
        }
    }

    @Test("an earlier run's logs are shown with [ and the current run's again with ]")
    func earlierRuns() async throws {
        try await Sandbox.run { sandbox async throws in
            // Each run says which it is: the first "run-one", the next ones "run-two".
            let script = "[ -e seen ] && echo run-two || { touch seen; echo run-one; }"
            let id = String(try await sandbox.gob("run", "sh", "-c", script).stdout.split(separator: " ")[2])
            #expect(try await sandbox.gob("run", "sh", "-c", script).status == 0)
            let tmux = try await TUITmux.start(in: sandbox)
            try await tmux.launchTUI()
            try await tmux.waitFor("the job's second run") {
                $0.contains("2 stdout: \(id) ○ \(id)-2") && $0.contains("│ run-two") && $0.contains("\(id) [") && $0.contains("✓ 0")
            }
            try await tmux.press("[")
            try await tmux.waitFor("the first run's output") {
                $0.contains("2 stdout: \(id)-1 ✓ 0 (earlier run of \(id)") && $0.contains("│ run-one") && !$0.contains("│ run-two")
            }
            try await tmux.press("]")
            try await tmux.waitFor("the current run's output again") {
                $0.contains("2 stdout: \(id) ○ \(id)-2") && $0.contains("│ run-two")
            }
            try await tmux.press("q")
            try await tmux.waitForShell()
        }
    }
}
