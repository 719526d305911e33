import Glibc
import GobProtocol
import GobSystem

/// The client's current directory as jobs record it (docs/commands.md), by Go's `os.Getwd`
/// rule: a logical `$PWD` that names the same directory as `.` wins, so a directory
/// reached through a symlink keeps its symlinked path; otherwise the physical path.
public enum WorkingDirectory {
    /// Why the current directory could not be determined; `description` is Go's
    /// `getwd: <reason>` wording.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The directory, byte for byte: a directory's name need not be UTF-8, and jobs must
    /// start in, and be grouped by, the real one.
    public static func current(pwd: OSString? = OSString.environmentValue("PWD")) throws(Failure) -> OSString {
        var dot = stat()
        guard stat(".", &dot) == 0 else { throw Failure(description: "stat .: \(SystemError.last)") }
        if let pwd, pwd.isAbsolutePath {
            var logical = stat()
            if pwd.withCString({ stat($0, &logical) }) == 0, logical.st_dev == dot.st_dev, logical.st_ino == dot.st_ino {
                return pwd
            }
        }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else {
            throw Failure(description: "getwd: \(SystemError.last)")
        }
        let length = buffer.firstIndex(of: 0) ?? buffer.count
        return OSString(bytes: buffer[0..<length].map { UInt8(bitPattern: $0) })
    }
}
