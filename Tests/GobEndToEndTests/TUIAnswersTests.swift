import Glibc
import Foundation
import GobProtocol
import Testing

/// `gob tui` as a new user met it, in a real terminal (tmux): failed jobs stand apart,
/// an ended job that printed nothing says so, every key gets an answer, the new-job
/// dialog runs what it shows, and a daemon that is slow to answer never freezes the UI.
@Suite("TUI answers", .enabled(if: TUITmux.available), .endToEnd, .timeLimit(.minutes(3)))
struct TUIAnswersTests {
    @Test func failedJobsNoOutputAndAnAnswerForEveryKey() async throws {
        try await Sandbox.run { sandbox async throws in
            let tmux = try await TUITmux.start(in: sandbox)
            try await tmux.launchTUI()
            try await tmux.waitFor("the empty list") { $0.contains("0 jobs (0 running)") }
            let (failed, _) = try await sandbox.addJob("sh", "-c", "exit 3")
            _ = try await sandbox.waitUntilStopped(failed)
            let (running, _) = try await sandbox.addJob("sleep", "300")
            // The first job stays selected as the newer one arrives above it.
            try await tmux.waitFor("the failed job, selected") {
                $0.contains("✗ \(failed) [") && $0.contains("● \(running) [")
                    && $0.contains("2 stdout: \(failed) ✗ exit 3") && $0.contains("│ (no output) ")
            }

            try await tmux.press("s")
            try await tmux.waitFor("the answer to s") { $0.contains(" Job \(failed) is not running") }
            try await tmux.press("k", "d")
            try await tmux.waitFor("the answer to d") { $0.contains(" Job \(running) is running: stop it first (s)") }
            try await tmux.press("x")
            try await tmux.waitFor("the answer to x") { $0.contains(" x does nothing here (? shows the keys)") }
            try await tmux.press("s")
            try await tmux.waitFor("the stop") { $0.contains("○ \(running) [") && $0.contains(" Stopped PID ") }

            // The dialog splits what is typed as a shell would, and says why it starts nothing.
            try await tmux.press("n")
            try await tmux.waitFor("the new-job dialog") { $0.contains("Start New Job") }
            try await tmux.type("sh -c 'printf \"%s|\" a\\ b \"c  d\"")
            try await tmux.press("Enter")
            try await tmux.waitFor("the problem") { $0.contains("unterminated ' in the command") }
            try await tmux.type("'")
            try await tmux.press("Enter")
            let started = try await tmux.waitFor("the started job") { $0.contains("Started ") }
            let id = try #require(TUITmux.word(after: "Started ", in: started), "\(started)")
            try await tmux.press("g")
            try await tmux.waitFor("its output") {
                $0.contains("2 stdout: \(id)") && $0.contains("│ a b|c  d|")
            }
            let job = try #require(try await sandbox.listedJob(id))
            #expect(job.command == ["sh", "-c", #"printf "%s|" a\ b "c  d""#])

            try await tmux.press("q")
            try await tmux.waitForShell()
        }
    }

    @Test func aDaemonThatDoesNotAnswerDoesNotFreezeTheUI() async throws {
        try await Sandbox.run { sandbox async throws in
            // Something listens on the socket but never answers: subscribing blocks.
            #expect(mkdir(sandbox.paths.directory, 0o700) == 0)
            let release = DispatchSemaphore(value: 0)
            let fake = try FakeDaemon(socket: sandbox.paths.socket) { _ in
                _ = release.wait(timeout: .now() + 50)
                return "{}"
            }
            defer {
                release.signal()
                fake.stop()
            }
            let tmux = try await TUITmux.start(in: sandbox)
            try await tmux.launchTUI()
            try await tmux.waitFor("the TUI") { $0.contains("1 Jobs") }
            try await tmux.press("?")
            try await tmux.waitFor("the help dialog, while subscribing still waits") { $0.contains("Keyboard Shortcuts") }
            try await tmux.press("Escape")
            try await tmux.waitFor("the main screen again") { !$0.contains("Keyboard Shortcuts") && $0.contains("1 Jobs") }
            try await tmux.press("q")
            try await tmux.waitForShell()
        }
    }
}
