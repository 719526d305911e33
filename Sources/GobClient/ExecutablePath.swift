import Glibc
import GobProtocol
import GobSystem

/// Where this gob's executables are: the running `gob`, and `gob-daemon` beside it.
public enum ExecutablePath {
    /// The absolute path of the running executable.
    public static func current() throws(SystemError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { throw SystemError.last }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The daemon's executable, which the commands start and an upgrade restarts the
    /// daemon into: this executable's path with `-daemon` appended (`gob` →
    /// `gob-daemon`), so the two images of one build always go together, also when the
    /// pair is installed under other names.
    public static func daemon() throws(SystemError) -> String {
        try current() + daemonSuffix
    }

    /// What the daemon's executable adds to the name of the `gob` it belongs to.
    public static let daemonSuffix = "-daemon"
}
