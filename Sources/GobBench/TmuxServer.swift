import Glibc
import GobSystem

/// A tmux server on a private socket (`tmux -S`) inside a sandbox: the reference program.
final class TmuxServer {
    let socket: String
    let environment: [String]
    private let tmux: String
    private let sandbox: Sandbox

    /// A server whose socket is `sandbox.root/<name>`; nothing starts yet.
    init(tmux: String, sandbox: Sandbox, name: String) {
        self.tmux = tmux
        self.sandbox = sandbox
        socket = sandbox.root + "/" + name
        environment = BenchEnvironment.make(workdir: sandbox.workdir, xdgRuntimeDir: nil)
        sandbox.trackTmuxSocket(socket)
    }

    /// `tmux -S <socket> <arguments…>` in the sandbox's working directory. Commands that
    /// may start the server also get `-f /dev/null`, so no user configuration is measured.
    func command(_ arguments: [String], startsServer: Bool = false) -> Command {
        let configuration = startsServer ? ["-f", "/dev/null"] : []
        return Command(executable: tmux, arguments: ["tmux"] + configuration + ["-S", socket] + arguments,
                       environment: environment, workdir: sandbox.workdir, errorLog: sandbox.errorLog)
    }

    /// Starts the server with one session of `windows` windows, each running `sleep 3600`.
    func start(windows: Int) throws(BenchError) {
        let deadline = MonotonicClock.deadline(seconds: 20)
        try command(["new-session", "-d", "-s", "bench", "sleep", "3600"], startsServer: true)
            .spawn().waitForSuccess(deadline: deadline)
        let window = command(["new-window", "-d", "sleep", "3600"])
        for _ in 1..<max(windows, 1) {
            try window.spawn().waitForSuccess(deadline: deadline)
        }
    }

    /// The server's PID: the live process started with this socket on its command line
    /// (the server is forked from its first client without exec, so it keeps the client's).
    var serverPID: pid_t? { ProcFS.processes(withArgument: socket).first }

    /// Stops the server and deletes the socket.
    func stop() throws(BenchError) {
        try sandbox.discardTmuxSocket(socket)
    }

    /// Stops the tmux server of `socket`, if one runs: SIGTERM (tmux then closes every
    /// pane, which hangs up its processes), waiting until it is gone; SIGKILL after 10 s.
    static func stopServer(socket: String) throws(BenchError) {
        let pids = ProcFS.processes(withArgument: socket)
        for pid in pids { kill(pid, SIGTERM) }
        var stubborn: [pid_t] = []
        for pid in pids where !ProcFS.waitUntilGone(pid, timeout: 10) {
            kill(pid, SIGKILL)
            stubborn.append(pid)
        }
        guard stubborn.isEmpty else {
            throw BenchError("tmux (PID \(stubborn)) was still running 10 s after SIGTERM; killed it")
        }
    }
}
