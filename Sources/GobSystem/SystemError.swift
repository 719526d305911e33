import Glibc
import SystemPackage

/// An OS error number with Go's lower-case wording (`no such file or directory`), which
/// gob's messages quote (the program gob re-implements is written in Go, and scripts
/// match its words).
///
/// swift-system's `Errno` names the number; this type only adds the wording, so a call
/// through `FileDescriptor` and a raw system call report failures the same way.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32

    public init(_ code: Int32) { self.code = code }

    /// The same number as swift-system names it.
    public init(_ errno: Errno) { code = errno.rawValue }

    /// The error left in `errno` by the last failed call.
    public static var last: SystemError { SystemError(Glibc.errno) }

    /// The number as swift-system names it.
    public var errno: Errno { Errno(rawValue: code) }

    public var description: String {
        guard let text = strerror(code) else { return "errno \(code)" }
        let message = String(cString: text)
        guard let first = message.first else { return message }
        return first.lowercased() + message.dropFirst()
    }
}
