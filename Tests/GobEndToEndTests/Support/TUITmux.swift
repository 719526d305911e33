import Glibc
import Foundation
import Testing

/// A private tmux server running `sh` in a 120×40 window, in a sandbox's directory and
/// environment (with `LANG=C.UTF-8`), for driving `gob tui`.
///
/// Everything the pane shows is also piped into a file (`pipe-pane`), so a wait for the
/// screen looks again exactly when the pane has drawn something new.
final class TUITmux: @unchecked Sendable {
    // @unchecked: one test task owns it.

    static let session = "gobtui"
    static let prompt = "tui-shell$ "

    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where access("\(directory)/tmux", X_OK) == 0 {
            return "\(directory)/tmux"
        }
        return nil
    }()

    static var available: Bool { executable != nil }

    let sandbox: Sandbox
    let socket: String
    /// Where the pane's output is piped; its only file changes when the pane draws.
    private let paneDirectory: String
    private let environment: [String]

    private init(sandbox: Sandbox) throws {
        self.sandbox = sandbox
        socket = sandbox.base + "/tmux.sock"
        paneDirectory = try sandbox.makeDirectory()
        environment = sandbox.environment(
            directory: sandbox.workdir,
            overrides: ["LANG": "C.UTF-8", "LC_ALL": nil, "LC_CTYPE": nil, "TERM": "xterm-256color", "PS1": Self.prompt])
    }

    /// Starts the server and the shell; the server is killed at the sandbox's teardown.
    static func start(in sandbox: Sandbox) async throws -> TUITmux {
        let tmux = try TUITmux(sandbox: sandbox)
        sandbox.addCleanup { [tmux] in _ = try? await tmux.run("kill-server") }
        // tmux runs the command with `sh -c`; PS1 given with `-e` does not reach the shell.
        try await tmux.run(
            "new-session", "-d", "-x", "120", "-y", "40", "-s", session, "-c", sandbox.workdir,
            "exec env PS1='\(prompt)' LANG=C.UTF-8 /bin/sh")
        try await tmux.run("pipe-pane", "-O", "-t", session, "cat >> '\(tmux.paneDirectory)/pane.out'")
        // A test process killed outright runs no teardown: a hidden window then ends the
        // server within a second, so no tmux, shell or TUI outlives the test run.
        try await tmux.run(
            "new-window", "-d", "-t", "\(session):", "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; "
                + "tmux -S '\(tmux.socket)' kill-server")
        try await tmux.waitForShell(checkModes: false)
        return tmux
    }

    /// Types `<prefix>gob tui` and Enter at the shell prompt.
    func launchTUI(prefix: String = "") async throws {
        try await type("\(prefix)\(GobProcess.executable) tui")
        try await press("Enter")
    }

    /// Sends tmux key names (`Enter`, `C-c`, `g`).
    func press(_ keys: String...) async throws {
        try await run(["send-keys", "-t", Self.session] + keys)
    }

    /// Sends `text` literally.
    func type(_ text: String) async throws {
        try await run("send-keys", "-t", Self.session, "-l", text)
    }

    /// The visible screen.
    func capture() async throws -> String {
        try await run("capture-pane", "-p", "-t", Self.session)
    }

    /// The command running in the pane's foreground, as the terminal tells tmux.
    func foregroundCommand() async throws -> String {
        try await run("display-message", "-p", "-t", Self.session, "#{pane_current_command}")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits until the screen satisfies `condition`, looking again whenever the pane
    /// draws; fails the test with the last screen after `timeout`. Returns that screen.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = Failsafe.wait, _ condition: (String) -> Bool) async throws -> String {
        var screen = ""
        do {
            try await waitUntil(what, watching: [paneDirectory], timeout: timeout) {
                screen = try await capture()
                return condition(screen)
            }
        } catch let timeout as WaitTimeout {
            Issue.record("\(timeout); the screen shows:\n\(screen)")
            throw timeout
        }
        return screen
    }

    /// Waits until the TUI has left and the shell's prompt is back on the normal screen;
    /// unless `checkModes` is false, also that the terminal is in its usual (cooked,
    /// echoing) mode again.
    func waitForShell(checkModes: Bool = true) async throws {
        let prompt = Self.prompt.trimmingCharacters(in: .whitespaces)
        try await waitFor("the shell prompt") { screen in
            // A bare prompt on the last line: the shell has reaped the TUI and waits.
            screen.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) == prompt } == true
                && !screen.contains("1 Jobs")
        }
        // The shell takes the terminal back before it prints its prompt, so the pane
        // reports it as what runs there by now: the TUI must be gone.
        #expect(try await foregroundCommand() == "sh")
        guard checkModes else { return }
        try await type("stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo")
        try await press("Enter")
        try await waitFor("the terminal modes") { screen in
            screen.split(separator: "\n").contains { $0.split(separator: " ").suffix(2) == ["icanon", "echo"] }
        }
    }

    /// The PID of `gob tui` in this sandbox, if it runs.
    func tuiProcess() -> pid_t? {
        ProcessScan.processes(withEnvironment: sandbox.marker).first {
            $0.state != "Z" && $0.arguments.count >= 2 && $0.arguments[1] == "tui"
        }?.pid
    }

    /// The word following `marker` in `text`.
    static func word(after marker: String, in text: String) -> String? {
        guard let range = text.range(of: marker) else { return nil }
        let word = text[range.upperBound...].prefix { $0.isLetter || $0.isNumber }
        return word.isEmpty ? nil : String(word)
    }

    @discardableResult
    func run(_ arguments: String...) async throws -> String {
        try await run(arguments)
    }

    /// Runs `tmux -S <socket> <arguments>` to completion and returns its stdout.
    @discardableResult
    func run(_ arguments: [String]) async throws -> String {
        guard let executable = Self.executable else { throw TUITmuxFailure(description: "tmux not found") }
        let started = try sandbox.spawn(
            executable, ["tmux", "-u", "-f", "/dev/null", "-S", socket] + arguments, environment: environment,
            directory: sandbox.workdir)
        let outcome = try await started.finish()
        unlink(started.stdoutPath)
        unlink(started.stderrPath)
        guard outcome.status == 0 else {
            throw TUITmuxFailure(description: "tmux \(arguments.joined(separator: " ")) exited with \(outcome.status): \(outcome)")
        }
        return outcome.stdout
    }
}

/// A tmux command that failed.
struct TUITmuxFailure: Error, CustomStringConvertible {
    let description: String
}
