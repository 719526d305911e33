import Glibc

/// Bytes as the operating system hands them over and takes them back: an argument, an
/// environment entry, a path. Usually UTF-8 text, but Linux promises only "no NUL", and a
/// job must get exactly what its user typed (`printf %s $'caf\xe9'`, a directory with a
/// Latin-1 name), so these travel as bytes and are only turned into text for display.
public struct OSString: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The bytes, without a terminating NUL.
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public init(_ text: String) { bytes = Array(text.utf8) }

    public init(stringLiteral text: String) { self.init(text) }

    /// The bytes of a NUL-terminated C string.
    public init(cString: UnsafePointer<CChar>) {
        let count = strlen(cString)
        bytes = cString.withMemoryRebound(to: UInt8.self, capacity: count) {
            Array(UnsafeBufferPointer(start: $0, count: count))
        }
    }

    /// The text for people: bytes that are not UTF-8 shown as U+FFFD. Never hand it back
    /// to the OS; that is what `bytes` is for.
    public var description: String { String(decoding: bytes, as: UTF8.self) }

    /// The text when the bytes are valid UTF-8, else nil.
    public var text: String? { UTF8Validation.isValid(bytes) ? String(decoding: bytes, as: UTF8.self) : nil }

    public var isEmpty: Bool { bytes.isEmpty }

    /// Whether a NUL byte is among the bytes, which no C string can carry.
    public var containsNUL: Bool { bytes.contains(0) }

    /// Whether the bytes start with those of `prefix`.
    public func hasPrefix(_ prefix: String) -> Bool { bytes.starts(with: prefix.utf8) }

    /// An absolute path: it starts with `/`.
    public var isAbsolutePath: Bool { bytes.first == UInt8(ascii: "/") }

    public static func + (lhs: OSString, rhs: OSString) -> OSString {
        OSString(bytes: lhs.bytes + rhs.bytes)
    }

    /// Calls `body` with the bytes as a NUL-terminated C string (cut at an inner NUL, as
    /// every C function would read it; the protocol refuses those).
    @inlinable
    public func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        var terminated: [CChar] = []
        terminated.reserveCapacity(bytes.count + 1)
        for byte in bytes { terminated.append(CChar(bitPattern: byte)) }
        terminated.append(0)
        return try body(terminated)
    }
}

extension OSString {
    /// The whole command line as one line for people: the words joined by single spaces.
    public static func spaced(_ words: [OSString]) -> String {
        var line = ""
        var first = true
        for word in words {
            if !first { line += " " }
            line += word.description
            first = false
        }
        return line
    }
}
