import Glibc

/// A program that could not be started (or a system call around it that failed).
public struct SpawnFailure: Error, CustomStringConvertible {
    public let code: Int32
    public let path: String

    public init(code: Int32, path: String) {
        self.code = code
        self.path = path
    }

    public var description: String { "cannot run \(path): \(String(cString: strerror(code)))" }
}
