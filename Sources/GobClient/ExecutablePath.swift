import Glibc
import GobProtocol
import GobSystem

/// The absolute path of the running executable, which the client re-executes as
/// `gob daemon`, so client and daemon are always the same build.
public enum ExecutablePath {
    public static func current() throws(SystemError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { throw SystemError.last }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
