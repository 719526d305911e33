import Glibc
import GobSystem

/// This process's own bytes: its arguments and environment as the kernel gave them.
/// `CommandLine.arguments` and Swift strings made from C strings repair bytes that are not
/// UTF-8 into U+FFFD; a job must get the originals.
extension OSString {
    /// This process's arguments after the program name, byte for byte.
    public static func arguments() -> [OSString] {
        var words: [OSString] = []
        let count = Int(CommandLine.argc)
        guard count > 1 else { return words }
        words.reserveCapacity(count - 1)
        for index in 1..<count {
            guard let word = CommandLine.unsafeArgv[index] else { break }
            words.append(OSString(cString: word))
        }
        return words
    }

    /// This process's whole environment as `KEY=VALUE` entries, byte for byte.
    public static func environment() -> [OSString] {
        var entries: [OSString] = []
        var cursor = environ
        while let entry = cursor.pointee {
            entries.append(OSString(cString: entry))
            cursor += 1
        }
        return entries
    }

    /// The value of environment variable `name`, byte for byte; nil when unset.
    public static func environmentValue(_ name: String) -> OSString? {
        guard let value = getenv(name) else { return nil }
        return OSString(cString: value)
    }

    /// The exact bytes of `parsed`, the last words of a command line as a parser read
    /// them from its repaired text, taken from the end of `raw`, the same command line
    /// as the kernel gave it. A job's command is always the end of gob's command line
    /// (everything from its first word, or after `--`), so the two line up word for word;
    /// when they do not (the words came from elsewhere), `parsed` is used as it is.
    public static func exactWords(_ parsed: [String], from raw: [OSString]) -> [OSString] {
        let words = parsed.map { OSString($0) }
        guard parsed.count <= raw.count else { return words }
        let tail = Array(raw.suffix(parsed.count))
        for (word, original) in zip(parsed, tail) where original.description != word {
            return words
        }
        return tail
    }
}

extension CStringArray {
    /// The C strings of `strings`, byte for byte: a job's `argv` or `envp`.
    public convenience init(_ strings: [OSString]) {
        self.init(bytes: strings.map(\.bytes))
    }
}

/// Calls `body` with a NULL-terminated array of C strings of `strings`, freed afterwards.
public func withCStrings<R>(_ strings: [OSString], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let array = CStringArray(strings)
    return withExtendedLifetime(array) { body(array.pointers) }
}
