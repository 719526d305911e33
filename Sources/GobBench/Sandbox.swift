import Glibc
import Foundation
import GobProtocol
import GobSystem
import Synchronization

/// A private temporary directory for one measure, holding the gob runtime directories,
/// the jobs' working directory, tmux sockets and logs. Closing it stops every server
/// started in it — also after a failure or on Ctrl+C — and removes it.
final class Sandbox: Sendable {
    /// `/tmp/gb-XXXXXX`: short, so socket paths stay far below the 108-byte limit.
    let root: String
    /// Where gob's runtime directories go by default: `/dev/shm/gb-XXXXXX` when `/dev/shm`
    /// is a tmpfs, as a real `XDG_RUNTIME_DIR` (`/run/user/<uid>`) is; else `root`.
    let runtimeRoot: String
    /// The working directory of every gob command, tmux client and job.
    let workdir: String
    /// Receives the stderr of every command spawned for this measure.
    let errorLog: ErrorLog

    /// The servers started here that `close()` must stop.
    private struct Tracked {
        var gobRuntimes: [String] = []
        var tmuxSockets: [String] = []
        var closed = false
    }

    private let tracked = Mutex(Tracked())
    /// Held for a whole close, so Ctrl+C during a close waits for it instead of exiting early.
    private let closing = Mutex(())

    /// Creates the directory and registers it for cleanup on interruption.
    init() throws(BenchError) {
        var template = Array("/tmp/gb-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard made != nil else { throw BenchError("mkdtemp under /tmp: \(FileText.errorText())") }
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // The logical and physical paths must agree: gob scopes jobs by `$PWD`.
        if let resolved = realpath(path, nil) {
            root = String(cString: resolved)
            free(resolved)
        } else {
            root = path
        }
        workdir = root + "/w"
        runtimeRoot = Sandbox.isTmpfs("/dev/shm") ? Sandbox.makeTemporaryDirectory("/dev/shm/gb-XXXXXX") ?? root : root
        do throws(BenchError) {
            guard mkdir(workdir, 0o700) == 0 else { throw BenchError("mkdir \(workdir): \(FileText.errorText())") }
            errorLog = try ErrorLog(path: root + "/stderr.log")
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            if runtimeRoot != root { try? FileManager.default.removeItem(atPath: runtimeRoot) }
            throw error
        }
        Cleanup.shared.register(self)
    }

    /// A new private directory `root/<name>`.
    func makeDirectory(_ name: String) throws(BenchError) -> String {
        let path = root + "/" + name
        guard mkdir(path, 0o700) == 0 else { throw BenchError("mkdir \(path): \(FileText.errorText())") }
        return path
    }

    /// A fresh `XDG_RUNTIME_DIR` called `name`: under `runtimeRoot` (tmpfs), or on disk
    /// under `root` with `onDisk`, as gob's fallback `/tmp/gob-<uid>` is.
    func makeRuntimeDirectory(_ name: String, onDisk: Bool) throws(BenchError) -> String {
        let path = (onDisk ? root : runtimeRoot) + "/" + name
        guard mkdir(path, 0o700) == 0 else { throw BenchError("mkdir \(path): \(FileText.errorText())") }
        return path
    }

    /// Whether a tmpfs is mounted at `path` (from `/proc/self/mounts`).
    static func isTmpfs(_ path: String) -> Bool {
        guard let mounts = FileText.read("/proc/self/mounts") else { return false }
        return mounts.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 2 && fields[1] == path && fields[2] == "tmpfs"
        }
    }

    /// `mkdtemp` of `template`, its path resolved; nil when it cannot be made.
    private static func makeTemporaryDirectory(_ template: String) -> String? {
        var bytes = Array(template.utf8CString)
        guard bytes.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) != nil else { return nil }
        let path = String(decoding: bytes.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Remembers an `XDG_RUNTIME_DIR` whose daemon `close()` must stop.
    func trackGobRuntime(_ xdgRuntimeDir: String) {
        tracked.withLock { $0.gobRuntimes.append(xdgRuntimeDir) }
    }

    /// Remembers a tmux socket whose server `close()` must stop.
    func trackTmuxSocket(_ path: String) {
        tracked.withLock { $0.tmuxSockets.append(path) }
    }

    /// Stops the daemon of `xdgRuntimeDir` (if one runs), forgets it and deletes the
    /// directory. Throws when the daemon would not stop.
    func discardGobRuntime(_ xdgRuntimeDir: String) throws(BenchError) {
        try GobServer.stopDaemon(xdgRuntimeDir: xdgRuntimeDir)
        tracked.withLock { $0.gobRuntimes.removeAll { $0 == xdgRuntimeDir } }
        try? FileManager.default.removeItem(atPath: xdgRuntimeDir)
    }

    /// Stops the tmux server of `socket` (if one runs), forgets it and deletes the socket.
    func discardTmuxSocket(_ socket: String) throws(BenchError) {
        try TmuxServer.stopServer(socket: socket)
        tracked.withLock { $0.tmuxSockets.removeAll { $0 == socket } }
        unlink(socket)
    }

    /// Stops every daemon and tmux server started here, kills any process still working
    /// in the sandbox, and removes it. Safe to call twice and from another thread.
    func close() {
        closing.withLock { _ in
            let work = tracked.withLock { state -> Tracked in
                let work = state
                state = Tracked(closed: true)
                return work
            }
            guard !work.closed else { return }
            for runtime in work.gobRuntimes.reversed() {
                try? GobServer.stopDaemon(xdgRuntimeDir: runtime)
            }
            for socket in work.tmuxSockets.reversed() {
                try? TmuxServer.stopServer(socket: socket)
            }
            // Whatever survived (a job of a daemon that had to be SIGKILLed, a follower
            // left by a failed measure) still has its working directory here.
            for pid in ProcFS.processes(workingUnder: root) {
                kill(pid, SIGKILL)
            }
            try? FileManager.default.removeItem(atPath: root)
            if runtimeRoot != root { try? FileManager.default.removeItem(atPath: runtimeRoot) }
            Cleanup.shared.unregister(self)
        }
    }
}
