#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CGobShims
import Foundation
import Testing

/// `gob tui` in a real terminal: tmux runs a shell in a private server, the test types
/// into it with `send-keys` and reads the screen with `capture-pane` (contract §6).
@Suite("TUI in a real terminal", .enabled(if: TUITmux.available), .timeLimit(.minutes(1)))
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
            let (id, _) = try await sandbox.addJob("sleep", "300")
            try await tmux.waitFor("the job") { $0.contains("● \(id) [") }

            let daemon = try #require(sandbox.daemonPID)
            kill(daemon, SIGKILL)
            // The next daemon starts with a clean slate (Decision D14): the job is gone.
            try await tmux.waitFor("the reconnection") {
                $0.contains("Reconnected to the daemon") && $0.contains("0 jobs (0 running)")
            }
            #expect(sandbox.daemonPID != daemon)

            let tui = try #require(tmux.tuiProcess())
            kill(tui, SIGTERM)
            try await tmux.waitForShell()
        }
    }

    @Test("idle costs no CPU; resize, ASCII fallback, ctrl+c")
    func idleResizeAndASCII() async throws {
        try await Sandbox.run { sandbox async throws in
            let tmux = try await TUITmux.start(in: sandbox)
            try await tmux.launchTUI(prefix: "LC_ALL=C ")
            try await tmux.waitFor("the ASCII frame") { $0.contains("+- 1 Jobs -") && $0.contains(" k/j navigate") }
            let tui = try #require(tmux.tuiProcess())
            let before = try #require(TUITmux.cpuTicks(tui))
            try await Task.sleep(for: .seconds(2))
            let after = try #require(TUITmux.cpuTicks(tui))
            #expect(after - before <= 2, "an idle TUI used \(after - before) ticks in 2 s")

            try await tmux.run("resize-window", "-t", TUITmux.session, "-x", "40", "-y", "10")
            try await tmux.waitFor("the narrow layout") { screen in
                let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
                return lines.count >= 10 && lines[8].hasPrefix("+------") && lines[9].hasPrefix(" k/j navigate")
            }
            try await tmux.press("C-c")
            try await tmux.waitForShell()
        }
    }
}

/// A private tmux server running `sh` in a 120×40 window, in a sandbox's directory and
/// environment (with `LANG=C.UTF-8`), for driving `gob tui`.
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
    private let environment: [String]
    private var runs = 0

    private init(sandbox: Sandbox) {
        self.sandbox = sandbox
        socket = sandbox.base + "/tmux.sock"
        environment = sandbox.environment(
            directory: sandbox.workdir,
            overrides: ["LANG": "C.UTF-8", "LC_ALL": nil, "LC_CTYPE": nil, "TERM": "xterm-256color", "PS1": Self.prompt])
    }

    /// Starts the server and the shell; the server is killed at the sandbox's teardown.
    static func start(in sandbox: Sandbox) async throws -> TUITmux {
        let tmux = TUITmux(sandbox: sandbox)
        sandbox.addCleanup { [tmux] in _ = try? await tmux.run("kill-server") }
        // tmux runs the command with `sh -c`; PS1 given with `-e` does not reach the shell.
        try await tmux.run(
            "new-session", "-d", "-x", "120", "-y", "40", "-s", session, "-c", sandbox.workdir,
            "exec env PS1='\(prompt)' LANG=C.UTF-8 /bin/sh")
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

    /// Polls the screen until `condition` holds; fails the test with the last screen
    /// after `timeout`.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(15), _ condition: (String) -> Bool) async throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var screen = ""
        while clock.now < deadline {
            screen = try await capture()
            if condition(screen) { return screen }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for \(what); the screen shows:\n\(screen)")
        throw TUITmuxFailure(description: "timed out waiting for \(what)")
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
        // The shell reports what runs in the pane: the TUI must be gone.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(15)
        var command = ""
        while clock.now < deadline {
            command = try await run("display-message", "-p", "-t", Self.session, "#{pane_current_command}")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if command == "sh" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(command == "sh")
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

    /// utime + stime of `pid`, in clock ticks.
    static func cpuTicks(_ pid: pid_t) -> Int? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Fields after the command: state is index 0, utime 11, stime 12.
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
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
        runs += 1
        let output = "\(sandbox.base)/tmux-\(runs).out"
        let pid = try TUIProcess.spawn(
            executable, ["tmux", "-u", "-f", "/dev/null", "-S", socket] + arguments, environment: environment,
            directory: sandbox.workdir, output: output)
        let status = try await GobProcess.wait(pid, timeout: .seconds(10))
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        unlink(output)
        guard status == 0 else {
            throw TUITmuxFailure(description: "tmux \(arguments.joined(separator: " ")) exited with \(status): \(text)")
        }
        return text
    }
}

/// A tmux command that failed.
struct TUITmuxFailure: Error, CustomStringConvertible {
    let description: String
}

/// Spawns a helper program with its output in a file.
enum TUIProcess {
    static func spawn(_ path: String, _ arguments: [String], environment: [String], directory: String, output: String) throws -> pid_t {
        let out = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard out >= 0 else { throw GobProcess.SpawnFailure(code: errno, path: output) }
        defer { close(out) }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) }
        envp.append(nil)
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let rc = gob_spawn(&pid, path, argv, envp, directory, -1, out, out, -1, 0)
        guard rc == 0 else { throw GobProcess.SpawnFailure(code: rc, path: path) }
        return pid
    }
}
