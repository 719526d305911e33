import Glibc
import GobClient
import GobProtocol
import GobSystem

extension Invocation {
    /// `gob daemon`: becomes the daemon in the foreground by executing `gob-daemon`
    /// (beside this executable) in this same process, so whoever ran `gob daemon` —
    /// a user, a service manager, a test — holds the daemon's PID. Returns only when the
    /// exec failed.
    static func runDaemon(readyFD: Int32?) throws(CommandFailure) {
        let executable: String
        do { executable = try ExecutablePath.daemon() } catch {
            throw CommandFailure("cannot find gob-daemon: \(error)", code: .internal)
        }
        var words = ["gob-daemon"]
        if let readyFD { words += ["--ready-fd", "\(readyFD)"] }
        let arguments = CStringArray(words)
        _ = execv(executable, arguments.pointers)
        let error = SystemError.last
        let hint = error.code == ENOENT ? " (gob-daemon must be installed beside gob, from the same build)" : ""
        throw CommandFailure("cannot run \(executable): \(error)\(hint)", code: .internal)
    }
}
