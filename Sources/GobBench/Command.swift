import Glibc
import CGobShims
import GobSystem

/// A program with its arguments, environment and working directory, prepared once and
/// spawned many times with posix_spawn (gob_spawn).
final class Command {
    /// The command line, for messages.
    let display: String
    private let executable: String
    private let workdir: String
    private let argv: CStringArray
    private let envp: CStringArray
    /// Where its stderr goes, so failures can quote it.
    private let errorLog: ErrorLog

    /// `arguments[0]` is argv[0]; `executable` is the path that is exec'd.
    init(executable: String, arguments: [String], environment: [String], workdir: String, errorLog: ErrorLog) {
        self.executable = executable
        self.workdir = workdir
        self.errorLog = errorLog
        display = arguments.joined(separator: " ")
        argv = CStringArray(arguments)
        envp = CStringArray(environment)
    }

    /// Starts the program with stdout to `stdout` (/dev/null when -1) and stderr to the
    /// error log, in its own process group.
    func spawn(stdout: Int32 = -1) throws(BenchError) -> ChildProcess {
        var pid: pid_t = 0
        let rc = gob_spawn(&pid, executable, argv.pointers, envp.pointers, workdir, -1, stdout, errorLog.fd, -1, 0)
        guard rc == 0 else { throw BenchError("cannot start `\(display)`: \(FileText.errorText(rc))") }
        return ChildProcess(pid: pid, display: display)
    }

    /// Runs the program to completion with stdout to /dev/null; returns the nanoseconds from
    /// just before the spawn to just after the reap. Throws when it exits non-zero or
    /// outlives `timeout` seconds.
    func timedRun(timeout: Double = 20) throws(BenchError) -> Int64 {
        errorLog.reset()
        let start = MonotonicClock.now()
        let child = try spawn()
        let exit = try child.wait(deadline: start + Int64(timeout * 1e9))
        let elapsed = MonotonicClock.now() - start
        try check(exit)
        return elapsed
    }

    /// Runs the program to completion and returns its stdout, captured in `file`.
    func output(capturingIn file: String, timeout: Double = 20) throws(BenchError) -> [UInt8] {
        errorLog.reset()
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BenchError("cannot open \(file): \(FileText.errorText())") }
        let child: ChildProcess
        do {
            child = try spawn(stdout: fd)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        try check(try child.wait(deadline: MonotonicClock.deadline(seconds: timeout)))
        guard let bytes = FileText.bytes(file) else { throw BenchError("cannot read \(file)") }
        return bytes
    }

    /// Throws unless `exit` is a clean exit, quoting what the program wrote to stderr.
    func check(_ exit: ProcessEnd) throws(BenchError) {
        guard exit != .exited(0) else { return }
        let said = errorLog.tail()
        throw BenchError("`\(display)` \(exit)" + (said.isEmpty ? "" : ": \(said)"))
    }
}
