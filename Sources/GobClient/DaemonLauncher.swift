import Glibc
import CGobShims
import GobProtocol
import GobSystem

/// Starts `gob-daemon` detached and waits for its readiness word (docs/files.md, "The
/// daemon's life"). The caller holds the start lock.
struct DaemonLauncher {
    let paths: RuntimePaths
    /// How long the daemon may take to say `ok` or `error: …`.
    var readinessTimeoutMilliseconds = 5_000

    /// Why a daemon could not be started.
    enum Failure: Error {
        /// It refused for good (the message says why).
        case final(ClientError)
        /// Another daemon holds the runtime directory (running, or still shutting down).
        case anotherDaemon(ClientError)
    }

    /// Spawns the daemon in a new session with the write end of a pipe as descriptor 3
    /// and returns once it reports that it listens. Never waits for the daemon to exit.
    func launch() throws(Failure) {
        let executable: String
        do { executable = try ExecutablePath.daemon() } catch {
            throw .final(Self.failure("cannot find gob-daemon: \(error)"))
        }
        let readEnd: Int32
        let writeEnd: Int32
        do { (readEnd, writeEnd) = try ReadinessPipe.open() } catch {
            throw .final(Self.failure("pipe: \(error)"))
        }
        defer { Descriptor.close(readEnd) }
        let pid: pid_t
        do {
            defer { Descriptor.close(writeEnd) }
            do { pid = try Self.spawn(executable, readyFD: writeEnd) } catch { throw .final(error) }
        }
        let answer = readAnswer(from: readEnd)
        // Reap it only if it has already gone; a running daemon is never waited for.
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
        switch answer {
        case .ready:
            return
        case let .refused(message):
            throw .final(Self.failure(message))
        case let .anotherDaemon(message):
            throw .anotherDaemon(Self.failure(message))
        case .silent:
            throw .final(Self.failure(lastDaemonLogLine() ?? "daemon failed to start (socket not created)"))
        }
    }

    /// What the daemon wrote on its readiness descriptor.
    private enum Answer {
        case ready
        case refused(String)
        /// Another daemon holds the runtime directory.
        case anotherDaemon(String)
        /// End of file or timeout without a word.
        case silent
    }

    private static func failure(_ reason: String) -> ClientError {
        .connect(cause: "failed to start daemon: \(reason)")
    }

    private static func spawn(_ executable: String, readyFD: Int32) throws(ClientError) -> pid_t {
        let argv = CStringArray(["gob-daemon", "--ready-fd", "\(ReadinessPipe.childDescriptor)"])
        var pid: pid_t = 0
        let rc = gob_spawn(&pid, executable, argv.pointers, environ, nil, -1, -1, -1, readyFD, 1)
        guard rc == 0 else {
            let hint = rc == ENOENT ? " (gob-daemon must be installed beside gob, from the same build)" : ""
            throw failure("fork/exec \(executable): \(SystemError(rc))\(hint)")
        }
        return pid
    }

    /// Reads the first line the daemon writes, waiting at most the readiness timeout.
    private func readAnswer(from fd: Int32) -> Answer {
        let deadline = MonotonicClock.now() + Int64(readinessTimeoutMilliseconds) * 1_000_000
        let line = ReadinessPipe.firstLine(from: fd, until: deadline)
        if line == "ok" { return .ready }
        if line.hasPrefix("error: ") { return .refused(String(line.dropFirst("error: ".count))) }
        if line.hasPrefix("running: ") { return .anotherDaemon(String(line.dropFirst("running: ".count))) }
        if !line.isEmpty { return .refused(line) }
        return .silent
    }

    /// The last non-empty line of `<rt>/daemon.log`, which says why a daemon that never
    /// answered went away.
    private func lastDaemonLogLine() -> String? {
        // Only the tail matters; the log is bounded but may still be large.
        guard let bytes = FileContents.tail(paths.daemonLog, count: 16_384), !bytes.isEmpty else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) }.map(String.init)
    }
}
