import Glibc
import CGobShims
import GobProject
import GobProtocol
import GobSystem

/// The gobfile governing a directory, for `gob up`, `gob down` and the TUI: read by
/// `gob-daemon --read-gobfile <dir>`, since gob's TOML parser (and the Foundation it
/// brings) lives in the daemon's executable only and every client start would pay for
/// it. The reader runs as this process's child, with its environment (`$HOME` ends the
/// search) and its view of the file system, so the answer is what reading the file here
/// would give. No daemon is needed or started.
public enum GobfileQuery {
    /// The most a reply may be: a gobfile is at most 1 MiB, its JSON a few times that.
    static let replyLimit = 16 << 20

    /// The gobfile governing `directory` (an absolute path); nil when there is none.
    public static func governing(_ directory: OSString) -> Result<Gobfile?, GobfileError> {
        let executable: String
        do { executable = try ExecutablePath.daemon() } catch {
            return .failure(GobfileError(path: "gob-daemon", message: "cannot find it beside gob: \(error)"))
        }
        let reply: [UInt8]
        let end: ProcessEnd
        do { (reply, end) = try run(executable, directory) } catch {
            let hint = error.code == ENOENT ? " (gob-daemon must be installed beside gob, from the same build)" : ""
            return .failure(GobfileError(path: executable, message: "cannot run it to read the gobfile: \(error)\(hint)"))
        }
        guard end == .exited(0), let json = try? JSON(parsing: reply), let result = GobfileAnswer.result(json) else {
            return .failure(GobfileError(path: executable, message: "gave no answer on reading the gobfile (it \(end))"))
        }
        return result
    }

    /// Runs the reader with its output into a pipe, and waits for it.
    private static func run(_ executable: String, _ directory: OSString) throws(SystemError) -> ([UInt8], ProcessEnd) {
        let pipe = try SystemPipe.open()
        let argv = CStringArray(bytes: [Array("gob-daemon".utf8), Array("--read-gobfile".utf8), directory.bytes])
        var pid: pid_t = 0
        let rc = gob_spawn(&pid, executable, argv.pointers, environ, nil, -1, pipe.write, -1, -1, 0)
        Descriptor.close(pipe.write)
        guard rc == 0 else {
            Descriptor.close(pipe.read)
            throw SystemError(rc)
        }
        let reply = Descriptor.readAll(pipe.read, limit: replyLimit)
        Descriptor.close(pipe.read)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (reply, ProcessEnd(waitStatus: status))
    }
}
