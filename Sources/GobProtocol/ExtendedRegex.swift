#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A POSIX extended regular expression (`regcomp` with `REG_EXTENDED`), the dialect of
/// `grep -E`: what `--ready-log` takes. The C library's engine, not Swift's `Regex`: it
/// costs the client nothing to load, and the daemon and the client agree on what a
/// pattern means because both ask the same engine.
///
/// `@unchecked Sendable`: the compiled pattern is never changed after `init`, and
/// `regexec` on a compiled pattern is safe from any thread (POSIX).
public final class ExtendedRegex: @unchecked Sendable {
    /// The pattern as given.
    public let pattern: String
    private let compiled: UnsafeMutablePointer<regex_t>

    /// Why a pattern was refused: the C library's own words (`Unmatched ( or \(`).
    public struct PatternError: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Compiles `pattern`; an empty pattern (it would match every line) or one holding a
    /// NUL byte (the engine would stop reading there) is refused too.
    public init(_ pattern: String) throws(PatternError) {
        guard !pattern.isEmpty else { throw PatternError(description: "empty pattern") }
        guard !pattern.utf8.contains(0) else { throw PatternError(description: "pattern contains a NUL byte") }
        let compiled = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        compiled.initialize(to: regex_t())
        let rc = regcomp(compiled, pattern, REG_EXTENDED | REG_NOSUB)
        guard rc == 0 else {
            var message = [CChar](repeating: 0, count: 256)
            regerror(rc, compiled, &message, message.count)
            compiled.deinitialize(count: 1)
            compiled.deallocate()
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw PatternError(description: text.isEmpty ? "invalid pattern" : text)
        }
        self.pattern = pattern
        self.compiled = compiled
    }

    deinit {
        regfree(compiled)
        compiled.deinitialize(count: 1)
        compiled.deallocate()
    }

    /// Whether the pattern matches somewhere in `line` (without its line feed). The bytes
    /// are passed with their length (`REG_STARTEND`), so no copy is made to end them.
    public func matches(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var range = regmatch_t(rm_so: 0, rm_eo: regoff_t(line.count))
        if line.isEmpty {
            return regexec(compiled, "", 1, &range, REG_STARTEND) == 0
        }
        return line.withMemoryRebound(to: CChar.self) { text in
            regexec(compiled, text.baseAddress, 1, &range, REG_STARTEND) == 0
        }
    }

    /// Whether the pattern matches somewhere in `line`.
    public func matches(_ line: [UInt8]) -> Bool {
        line.withUnsafeBufferPointer { matches($0) }
    }
}
