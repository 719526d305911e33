#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CGobShims
import GobProtocol

/// Starts `gob daemon` detached and waits for its readiness word (contract §4.2 as
/// changed by Decisions D11 and D12). The caller holds the start lock.
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
        do { executable = try ExecutablePath.current() } catch {
            throw .final(Self.failure("failed to start daemon: \(error)"))
        }
        let readEnd: Int32
        let writeEnd: Int32
        do { (readEnd, writeEnd) = try Self.readinessPipe() } catch { throw .final(error) }
        defer { close(readEnd) }
        let pid: pid_t
        do {
            defer { close(writeEnd) }
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

    private static func readinessPipe() throws(ClientError) -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        // pipe2 is not visible through Swift's Glibc module; the client is single-threaded,
        // so setting close-on-exec right after pipe() leaves no window for a spawn.
        let result = pipe(&fds)
        if result == 0 {
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        }
        guard result == 0 else { throw failure("failed to start daemon: pipe: \(SystemError.last)") }
        // The child receives the write end as descriptor 3 by dup2, which clears
        // close-on-exec only when the numbers differ: keep it off 3.
        if fds[1] == 3 {
            let moved = fcntl(fds[1], F_DUPFD_CLOEXEC, 10)
            close(fds[1])
            guard moved >= 0 else {
                close(fds[0])
                throw failure("failed to start daemon: fcntl: \(SystemError.last)")
            }
            fds[1] = moved
        }
        return (fds[0], fds[1])
    }

    private static func spawn(_ executable: String, readyFD: Int32) throws(ClientError) -> pid_t {
        let arguments = ["gob", "daemon", "--ready-fd", "3"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let rc = gob_spawn(&pid, executable, argv, environ, nil, -1, -1, -1, readyFD, 1)
        guard rc == 0 else { throw failure("failed to start daemon: fork/exec \(executable): \(SystemError(rc))") }
        return pid
    }

    /// Reads the first line the daemon writes, waiting at most the readiness timeout.
    private func readAnswer(from fd: Int32) -> Answer {
        let deadline = MonotonicClock.now() + Int64(readinessTimeoutMilliseconds) * 1_000_000
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while !received.contains(0x0A) {
            let remaining = (deadline - MonotonicClock.now()) / 1_000_000
            guard remaining > 0 else { break }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(remaining))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { break }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            received.append(contentsOf: buffer[0..<count])
            if received.count > 65_536 { break }
        }
        let line = String(decoding: received.prefix(while: { $0 != 0x0A }), as: UTF8.self)
        if line == "ok" { return .ready }
        if line.hasPrefix("error: ") { return .refused(String(line.dropFirst("error: ".count))) }
        if line.hasPrefix("running: ") { return .anotherDaemon(String(line.dropFirst("running: ".count))) }
        if !line.isEmpty { return .refused(line) }
        return .silent
    }

    /// The last non-empty line of `<rt>/daemon.log`, which says why a daemon that never
    /// answered went away (Decision D12).
    private func lastDaemonLogLine() -> String? {
        let fd = open(paths.daemonLog, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // Only the tail matters; the log is bounded but may still be large.
        let tailSize: off_t = 16_384
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return nil }
        _ = lseek(fd, max(0, size - tailSize), SEEK_SET)
        var bytes = [UInt8](repeating: 0, count: Int(min(size, tailSize)))
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[0..<count], as: UTF8.self)
        return text.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) }.map(String.init)
    }
}
