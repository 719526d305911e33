import Foundation
import Testing

/// The TUI in a project with a gobfile: it starts and stops nothing by itself, its
/// project dialog (`p`) starts an entry, and blocked commands are refused from the
/// dialog, from `n` and from `r`.
@Suite("TUI and the gobfile", .enabled(if: TUITmux.available), .endToEnd, .timeLimit(.minutes(3)))
struct TUIGobfileTests {
    @Test("opening and quitting start and stop nothing; p starts an entry; blocked commands are refused by p, n and r")
    func projectDialog() async throws {
        try await Sandbox.run { sandbox async throws in
            let root = sandbox.workdir
            for directory in [".git", ".config"] {
                try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
            }
            let entries = """
                [[job]]
                name = "web"
                command = "sleep 300"
                autostart = true

                [[job]]
                name = "dbreset"
                command = "sleep 302"
                description = "drops the dev database"
                blocked = true

                """
            try entries.write(toFile: root + "/.config/gobfile.toml", atomically: true, encoding: .utf8)
            // Started by hand before its command was blocked.
            let (handID, handPID) = try await sandbox.addJob("sleep", "303")
            let blockingHand = entries + "[[job]]\ncommand = \"sleep 303\"\nblocked = true\n"
            try blockingHand.write(toFile: root + "/.config/gobfile.toml", atomically: true, encoding: .utf8)

            let tmux = try await TUITmux.start(in: sandbox)
            try await tmux.launchTUI()
            try await tmux.waitFor("the hand-started job only") { $0.contains("● \(handID) [") && $0.contains("1 jobs (1 running)") }
            #expect(try await sandbox.listedJobs().count == 1, "opening the TUI started no entry, autostart or not")

            try await tmux.press("p")
            try await tmux.waitFor("the project dialog") {
                $0.contains("Project Jobs") && $0.contains("> ○ web") && $0.contains("✗ dbreset") && $0.contains("blocked • drops the dev database")
            }
            try await tmux.press("Enter")
            let started = try await tmux.waitFor("the entry started") { $0.contains("Started web as ") && $0.contains("2 jobs (2 running)") }
            let webID = try #require(TUITmux.word(after: "Started web as ", in: started), "\(started)")
            let web = try #require(try await sandbox.listedJob(webID))
            #expect(web.gobfileName == "web" && web.command == ["sleep", "300"] && web.status == .running)

            try await tmux.press("p")
            try await tmux.waitFor("web shown as running") { $0.contains("● web") && $0.contains("\(webID)  running") }
            try await tmux.press("j")
            try await tmux.press("Enter")
            try await tmux.waitFor("the blocked entry refused") {
                $0.contains("blocked by .config/gobfile.toml: sleep 302 — drops the dev database")
            }
            try await tmux.press("Escape")
            try await tmux.waitFor("the dialog closed") { !$0.contains("Project Jobs") }

            try await tmux.press("n")
            try await tmux.waitFor("the new-job dialog") { $0.contains("Start New Job") }
            try await tmux.type("sleep 302")
            try await tmux.press("Enter")
            try await tmux.waitFor("n refused") { $0.contains("Failed to add: blocked by .config/gobfile.toml: sleep 302") }

            // The cursor stayed on the hand-started job when web was added above it.
            try await tmux.press("r")
            try await tmux.waitFor("r refused") { $0.contains("Failed to restart: blocked by .config/gobfile.toml: sleep 303") }
            #expect(try await sandbox.listedJob(handID)?.pid == handPID, "the refused restart left the job alone")

            try await tmux.press("q")
            try await tmux.waitForShell()
            let jobs = try await sandbox.listedJobs()
            #expect(jobs.count == 2 && jobs.allSatisfy { $0.status == .running }, "quitting stopped nothing: \(jobs)")
        }
    }
}
